Page({
  data: { status: 'waiting', code: '', reads: 0 },
  onInit() {
    this.setData({ status: 'initdone' });
  },
  onError(e) {
    this.setData({ status: `error ${e.detail.errMsg}` });
  },
  onScan(e) {
    const { result, type, charSet, rawData } = e.detail;
    this.setData({ code: `${e.type} ${type} ${charSet} ${result} ${rawData}`, reads: this.data.reads + 1 });
  },
});
