module.exports = { name: 'from extra' }
