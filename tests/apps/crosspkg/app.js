App({
  onError(message) {
    this.errors = (this.errors || []).concat(String(message).split('\n')[0]);
  },
});
