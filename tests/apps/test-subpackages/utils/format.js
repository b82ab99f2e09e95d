module.exports = { upper: (s) => s.toUpperCase() }
