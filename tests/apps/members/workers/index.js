// The worker wx.createWorker starts for the member probe: it only listens.
worker.onMessage(function () {});
