// Evaluated in the logic worker and in the page frame (test_hostile_chats.py): reach the user's chats.
async ([platform, chatId]) => {
  const outcomes = {};
  const attempt = async (name, run) => {
    try {
      const answer = await run();
      outcomes[name] = answer && answer.ok ? 'REACHED ' + answer.status : 'blocked: status ' + (answer && answer.status);
    } catch (error) {
      outcomes[name] = 'blocked: ' + String(error && error.message || error);
    }
  };
  await attempt('read chats', () => fetch(platform + '/api/me/chats', { credentials: 'include' }));
  await attempt('read messages', () => fetch(platform + '/api/me/chats/' + chatId + '/messages', { credentials: 'include' }));
  const card = JSON.stringify({ appid: 'test-hostile', path: 'pages/bridge/bridge', title: 'forged', chat_ids: [chatId] });
  await attempt('post a card', () => fetch(platform + '/api/me/shares', { method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body: card }));
  await attempt('post a text', () => fetch(platform + '/api/me/chats/' + chatId + '/messages', { method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body: '{"content":"forged"}' }));
  outcomes['live'] = await new Promise((resolve) => {
    try {
      const socket = new WebSocket(platform.replace('http', 'ws') + '/api/me/chats/live');
      socket.onmessage = () => resolve('REACHED a message');
      socket.onopen = () => socket.send('{"t":"hello","csrf":"","since":{}}');
      socket.onclose = () => resolve('blocked: closed');
      socket.onerror = () => resolve('blocked: error');
      setTimeout(() => resolve('blocked: nothing'), 3000);
    } catch (error) {
      resolve('blocked: ' + String(error && error.message || error));
    }
  });
  return outcomes;
}
