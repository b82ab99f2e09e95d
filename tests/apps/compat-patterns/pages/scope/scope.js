const shim = require('../../utils/shim.js');
const other = require('../../utils/other.js');

function globalKind(get) {
  try {
    const found = get();
    return found && found.wx === wx && typeof found.Page === 'function' ? 'global' : `not global: ${typeof found}`;
  } catch (error) {
    return `threw ${error.name}`;
  }
}

function refused(run) {
  try {
    run();
    return 'ran';
  } catch (error) {
    return `refused ${error.name}`;
  }
}

Page({
  data: {},
  onLoad() {
    this.setData({
      shim: `${typeof shim.window} ${shim.window.fromShim} ${shim.seen.join(',')}`,
      other: `${other.window} ${other.fetch} ${other.reporter}`,
      // Babel's, core-js's and lodash's way to find the global object.
      callGlobal: globalKind(() => Function('return this')()),
      newGlobal: globalKind(() => new Function('return this')()),
      otherBody: refused(() => Function('return 1 + 1')()),
      evalCode: refused(() => eval('1 + 1')),
    });
  },
});
