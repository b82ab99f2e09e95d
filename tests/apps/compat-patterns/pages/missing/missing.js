// A module the project never had: WeChat fails this page when it loads, not the whole app.
const gone = require('./gone-helper')

Page({ data: { value: gone.value } })
