// Evaluated in the logic worker (test_hostile_bridge.py): the policy itself, against any code.
async (canary) => {
  const out = {};
  const tryIt = async (name, run) => {
    try { out[name] = 'ESCAPED: ' + String(await run()); } catch (e) { out[name] = 'blocked: ' + e; }
  };
  await tryIt('import-remote', () => import(canary + '/hit/raw-import.js'));
  await tryIt('import-data-url', () => import('data:text/javascript,export default 1'));
  await tryIt('eval', () => eval('1 + 1'));
  await tryIt('new-function', () => new Function('return 1')());
  await tryIt('worker', () => new Worker('data:text/javascript,1'));
  await tryIt('origin', () => { if (self.origin === 'null') throw new Error('opaque origin'); return self.origin; });
  return out;
}
