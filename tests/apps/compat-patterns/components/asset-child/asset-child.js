// Relative image paths in a component's template are the component's own, as in WeChat (a component
// library ships its pictures beside it).
Component({ data: { dyn: './dot.png' } });
