// Another module: its window is its own, untouched by the shim's assignment.
const fetch = (url) => `fetched ${url}`;
class Reporter {}
module.exports = { window: typeof window, fetch: fetch('x'), reporter: typeof Reporter };
