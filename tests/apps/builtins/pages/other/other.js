Page({
  data: { from: '', modalHidden: false, toastHidden: true, legacy: '' },
  onLoad(q) { this.setData({ from: q.from || '' }) },
  onConfirm() { this.setData({ modalHidden: true, toastHidden: false, legacy: this.data.legacy + 'confirm;' }) },
  onCancel() { this.setData({ legacy: this.data.legacy + 'cancel;' }) },
  onToast() { this.setData({ toastHidden: true, legacy: this.data.legacy + 'toast;' }) },
})
