// Written for sloppy mode, as much older mini program code is: an implicit global and `arguments.callee`.
launchCount = 1
global.shared = 'shared'
App({})
