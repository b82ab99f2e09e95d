// Evaluated in the logic worker (test_hostile_bridge.py): prototype pollution of the runtime's own
// objects, set to catch what any page or app sends or receives from now on.
() => {
  const captured = [];
  globalThis.__captured = captured;
  const post = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (message, ...rest) {
    captured.push(JSON.stringify(message));
    return post.call(this, message, ...rest);
  };
  Object.defineProperty(Object.prototype, 'polluted', { value: 'yes', configurable: true });
  Object.defineProperty(Object.prototype, 'ops', {
    configurable: true,
    set(value) { captured.push(JSON.stringify(value)); Object.defineProperty(this, 'ops', { value, writable: true, enumerable: true }); },
  });
  const listen = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, listener, ...rest) {
    return listen.call(this, type, (event) => { captured.push(JSON.stringify(event.data ?? null)); return listener.call(this, event); }, ...rest);
  };
  return true;
}
