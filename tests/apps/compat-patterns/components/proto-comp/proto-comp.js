// A component library that extends a built-in at its module's top level (a date picker's format()).
Date.prototype.hutongStamp = function hutongStamp() {
  return `stamp:${this.getTime()}`;
};
Component({});
