// The built-in validation rules of mp-form, written for Hutong after weui-miniprogram's list. Each
// takes (rule, value, param, models) and answers an error message, or '' when the value passes.

const empty = (value) => value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)
const length = (value) => (value === undefined || value === null ? 0 : String(value).length)
const fill = (template, ...args) => args.reduce((text, arg) => text.replace('%s', String(arg)), template)
// Rules other than `required` pass an empty value: whether it must be there is `required`'s say.
const unlessEmpty = (check) => (rule, value, param, models) => (empty(value) ? '' : check(rule, value, param, models))

export const MESSAGES = {
  required: '%s必填',
  minlength: '长度最少为%s',
  maxlength: '长度最多为%s',
  rangelength: '长度应在%s到%s之间',
  bytelength: '最多只能输入%s个字节',
  min: '值最小为%s',
  max: '值最大为%s',
  range: '值应在%s到%s之间',
  mobile: '请输入正确的手机号',
  email: '请输入正确的电子邮件',
  url: '请输入正确的网址',
  equalTo: '值与字段%s不相等',
}

const message = (rule, key, ...args) => fill(rule.message || MESSAGES[key], ...args)

export const RULES = {
  required(rule, value) {
    if (rule.required === false) return ''
    return empty(value) ? message(rule, 'required', rule.name) : ''
  },
  minlength: unlessEmpty((rule, value) => (length(value) < rule.minlength ? message(rule, 'minlength', rule.minlength) : '')),
  maxlength: unlessEmpty((rule, value) => (length(value) > rule.maxlength ? message(rule, 'maxlength', rule.maxlength) : '')),
  rangelength: unlessEmpty((rule, value) => {
    const [low, high] = rule.rangelength
    const size = length(value)
    return size < low || size > high ? message(rule, 'rangelength', low, high) : ''
  }),
  bytelength: unlessEmpty((rule, value) => {
    // A character outside Latin-1 counts as two bytes, as in WeChat's validator.
    let bytes = 0
    for (const ch of String(value)) bytes += ch.charCodeAt(0) > 255 ? 2 : 1
    return bytes > rule.bytelength ? message(rule, 'bytelength', rule.bytelength) : ''
  }),
  min: unlessEmpty((rule, value) => (Number(value) < rule.min ? message(rule, 'min', rule.min) : '')),
  max: unlessEmpty((rule, value) => (Number(value) > rule.max ? message(rule, 'max', rule.max) : '')),
  range: unlessEmpty((rule, value) => {
    const [low, high] = rule.range
    const number = Number(value)
    return number < low || number > high ? message(rule, 'range', low, high) : ''
  }),
  mobile: unlessEmpty((rule, value) =>
    rule.mobile === false || /^1\d{10}$/.test(String(value)) ? '' : message(rule, 'mobile'),
  ),
  email: unlessEmpty((rule, value) =>
    rule.email === false || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(value)) ? '' : message(rule, 'email'),
  ),
  url: unlessEmpty((rule, value) =>
    rule.url === false || /^(https?|ftp):\/\/[^\s/$.?#].[^\s]*$/i.test(String(value)) ? '' : message(rule, 'url'),
  ),
  equalTo(rule, value, param, models) {
    const other = rule.equalTo
    return models && value !== models[other] ? message(rule, 'equalTo', other) : ''
  },
}
