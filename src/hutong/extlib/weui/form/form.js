// mp-form: validates `models` against `rules` ([{name, rules: rule or [rules]}]) for the mp-cell and
// mp-checkbox-group rows inside it that name a `prop` (weui-miniprogram's interface, Hutong's
// implementation). A change to models validates the changed fields (trigger 'change'); validate()
// and validateField() check on demand (trigger 'validate'). Errors are {message, rule, name}.
import { RULES } from './rules.js'

/** The first message a field's rules give for `value`, with the rule that failed; null when valid. */
function check(name, rules, value, models, methods) {
  for (const rule of Array.isArray(rules) ? rules : [rules]) {
    if (!rule || typeof rule !== 'object') continue
    const named = { ...rule, name }
    for (const key of Object.keys(rule)) {
      if (key === 'name' || key === 'message' || key === 'param') continue
      const method = typeof rule.validator === 'function' ? rule.validator : methods[key] || RULES[key]
      if (typeof method !== 'function') continue
      const text = method(named, value, rule.param, models)
      if (text) return { message: text, rule: named, name }
      if (method === rule.validator) break
    }
  }
  return null
}

const itemRelation = {
  type: 'descendant',
  linked(target) {
    if (target.data.prop) this._items[target.data.prop] = target
  },
  unlinked(target) {
    if (target.data.prop && this._items[target.data.prop] === target) delete this._items[target.data.prop]
  },
}

Component({
  properties: {
    models: { type: Object, value: {}, observer: '_modelsChange' },
    rules: { type: Array, value: [] },
    extClass: { type: String, value: '' },
  },
  relations: {
    '../cell/cell': itemRelation,
    '../checkbox-group/checkbox-group': itemRelation,
  },
  lifetimes: {
    created() {
      this._items = {}
      this._methods = {}
      this._seen = {}
    },
    attached() {
      this._seen = { ...(this.data.models || {}) }
      this._ready = true
    },
  },
  methods: {
    _ruleMap() {
      const map = {}
      for (const entry of this.data.rules || []) {
        if (entry && entry.name && entry.rules) map[entry.name] = entry.rules
      }
      return map
    },
    _check(name, value) {
      const rules = this._ruleMap()[name]
      if (!rules) return null
      const models = this.data.models || {}
      return check(name, rules, value === undefined ? models[name] : value, models, this._methods)
    },
    _show(name, error) {
      const item = this._items[name]
      if (item && item.data.showError && item.setError) item.setError(error || false)
    },
    _modelsChange(models) {
      const now = models || {}
      const before = this._seen || {}
      this._seen = { ...now }
      // The models the form starts with are not a change.
      if (!this._ready) return
      const rules = this._ruleMap()
      const changed = Object.keys(now).filter((key) => rules[key] && JSON.stringify(now[key]) !== JSON.stringify(before[key]))
      if (!changed.length) return
      const errors = []
      for (const name of changed) {
        const error = this._check(name)
        this._show(name, error)
        if (error) errors.push(error)
      }
      this.triggerEvent(errors.length ? 'fail' : 'success', errors.length ? { errors, trigger: 'change' } : { trigger: 'change' })
    },
    /** Check every field with rules: cb(isValid, errors) and a Promise of {isValid, errors}. */
    validate(cb) {
      const errors = []
      for (const name of Object.keys(this._ruleMap())) {
        const error = this._check(name)
        this._show(name, error)
        if (error) errors.push(error)
      }
      const isValid = !errors.length
      this.triggerEvent(isValid ? 'success' : 'fail', isValid ? { trigger: 'validate' } : { errors, trigger: 'validate' })
      if (typeof cb === 'function') cb(isValid, isValid ? undefined : errors)
      return Promise.resolve({ isValid, errors: isValid ? undefined : errors })
    },
    /** Check one field (with `value`, else its model): cb(isValid, errors). */
    validateField(name, value, cb) {
      if (typeof value === 'function') {
        cb = value
        value = undefined
      }
      const error = this._check(name, value)
      this._show(name, error)
      const errors = error ? [error] : undefined
      this.triggerEvent(error ? 'fail' : 'success', error ? { errors, trigger: 'validate' } : { trigger: 'validate' })
      if (typeof cb === 'function') cb(!error, errors)
      return Promise.resolve({ valid: !error, error: error || undefined })
    },
    /** A rule of the app's own: method(rule, value, param, models) answers a message or ''. */
    addMethod(name, method) {
      this._methods[name] = method
    },
  },
})
