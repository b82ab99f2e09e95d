// A module the project never had: WeChat fails this page when it loads, not the whole app
// (in a subpackage, so that the main package's pages, run at launch, stay clean).
const gone = require('./gone-helper')

Page({ data: { value: gone.value } })
