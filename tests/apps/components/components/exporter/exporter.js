Component({
  behaviors: ['wx://component-export'],
  export() { return { secret: 42 } },
})
