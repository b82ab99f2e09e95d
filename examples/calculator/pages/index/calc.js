// The calculator's state machine, kept apart from the page so that it reads like plain logic.
const OPERATORS = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '×': (a, b) => a * b,
  '÷': (a, b) => (b === 0 ? NaN : a / b),
}

function format(value) {
  if (!isFinite(value)) return 'Error'
  const rounded = Math.round(value * 1e10) / 1e10
  const text = String(rounded)
  return text.length > 12 ? rounded.toExponential(6) : text
}

function initial() {
  return { display: '0', stored: null, operator: null, fresh: true }
}

function press(state, key) {
  if (key === 'C') return initial()
  if (/^[0-9]$/.test(key)) {
    const display = state.fresh || state.display === '0' ? key : state.display + key
    return { ...state, display, fresh: false }
  }
  if (key === '.') {
    if (state.fresh) return { ...state, display: '0.', fresh: false }
    if (state.display.indexOf('.') >= 0) return state
    return { ...state, display: state.display + '.' }
  }
  if (key === '±') return { ...state, display: format(-Number(state.display)) }
  if (key === '%') return { ...state, display: format(Number(state.display) / 100) }
  const current = Number(state.display)
  const result =
    state.operator && !state.fresh ? OPERATORS[state.operator](state.stored, current) : current
  if (key === '=') {
    return { display: format(result), stored: null, operator: null, fresh: true }
  }
  return { display: format(result), stored: result, operator: key, fresh: true }
}

module.exports = { initial, press }
