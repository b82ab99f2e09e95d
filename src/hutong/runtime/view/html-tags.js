// @ts-check
/**
 * HTML element names that WeChat renders as plain inline containers when a WXML template uses them
 * (WeUI's own examples write `<h2>`, `<a>`, `<i>`, `<em>`): they are not reported as unsupported.
 */
export const HTML_TAGS = new Set(('a abbr address article aside b bdi bdo big blockquote caption center cite code dd del dfn div dl dt ' +
  'em fieldset figcaption figure footer h1 h2 h3 h4 h5 h6 header hr i ins kbd legend li mark nav ol p pre q s samp section small ' +
  'span strong sub sup table tbody td tfoot th thead tr tt u ul var').split(' '));
