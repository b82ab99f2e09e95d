// The page's module relies, at its top level, on what a component it uses set up: WeChat runs the
// components' code before the pages'.
const stamp = new Date(0).hutongStamp();
Page({ data: { stamp } });
