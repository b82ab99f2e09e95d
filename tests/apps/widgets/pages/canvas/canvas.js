// Canvas 2D and WebGL nodes drawn from the logic thread, and the legacy canvas context.
Page({
  data: { log: '', copy: '', temp: '', glUrl: '' },
  add(text) {
    this.setData({ log: `${this.data.log}${text};` });
  },
  onTouch(e) {
    this.add(`touch:${Math.round(e.touches[0].x)},${Math.round(e.touches[0].y)}`);
  },
  onLoad() {
    // An offscreen canvas, drawn onto another with drawImage.
    const off = wx.createOffscreenCanvas({ type: '2d', width: 4, height: 4 });
    const offCtx = off.getContext('2d');
    offCtx.fillStyle = '#00ff00';
    offCtx.fillRect(0, 0, 4, 4);
    const dst = wx.createOffscreenCanvas({ type: '2d', width: 4, height: 4 });
    const dstCtx = dst.getContext('2d');
    dstCtx.drawImage(off, 0, 0);
    this.add(`offscreen:${Array.from(dstCtx.getImageData(1, 1, 1, 1).data).join(',')}`);
  },
  onReady() {
    wx.createSelectorQuery().select('#c2d').fields({ node: true, size: true }).exec((res) => this.draw2d(res[0]));
    wx.createSelectorQuery().select('#gl').node().exec((res) => this.drawGl(res[0].node));
  },
  draw2d({ node: canvas, width, height }) {
    this.add(`size:${canvas.width}x${canvas.height}:${width}x${height}`);
    const ctx = canvas.getContext('2d');
    const dpr = 2;
    canvas.width = width * dpr;
    canvas.height = height * dpr;
    ctx.scale(dpr, dpr);
    // Left half red; the image in the top right; green in the bottom right on the next frame.
    ctx.fillStyle = '#ff0000';
    ctx.fillRect(0, 0, 50, 80);
    this.add(`text:${ctx.measureText('abc').width > 0}`);
    const img = canvas.createImage();
    img.onload = () => {
      ctx.drawImage(img, 50, 0, 50, 40);
      this.add(`img:${img.width}x${img.height}`);
      canvas.requestAnimationFrame(() => {
        ctx.fillStyle = '#00ff00';
        ctx.fillRect(50, 40, 50, 40);
        this.add('raf');
        this.setData({ copy: canvas.toDataURL() });
        wx.canvasToTempFilePath({
          canvas,
          x: 25,
          y: 0,
          width: 50,
          height: 40,
          destWidth: 50,
          destHeight: 40,
          success: (r) => {
            this.add(`temp:${r.tempFilePath.startsWith('wxfile://tmp_')}`);
            this.setData({ temp: r.tempFilePath });
            this.legacy(r.tempFilePath);
          },
          fail: (r) => this.add(r.errMsg),
        });
      });
    };
    img.onerror = (e) => this.add(`imgerror:${e.errMsg}`);
    img.src = '../../images/blue.png';
  },
  drawGl(canvas) {
    const gl = canvas.getContext('webgl');
    if (!gl) {
      this.add('gl:none');
      return;
    }
    // Blue everywhere, red in WebGL's bottom-left quarter (rows start at the bottom).
    gl.clearColor(0, 0, 1, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.enable(gl.SCISSOR_TEST);
    gl.scissor(0, 0, canvas.width / 2, canvas.height / 2);
    gl.clearColor(1, 0, 0, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.disable(gl.SCISSOR_TEST);
    this.setData({ glUrl: canvas.toDataURL() });
    this.add(`gl:${canvas.width}x${canvas.height}`);
  },
  legacy(tempPath) {
    const ctx = wx.createCanvasContext('old');
    const g = ctx.createLinearGradient(0, 0, 100, 0);
    g.addColorStop(0, '#000000');
    g.addColorStop(1, '#ffffff');
    ctx.setFillStyle(g);
    ctx.fillRect(0, 0, 100, 10);
    // A clipped square: only its left half (x < 20) is drawn.
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, 10, 20, 20);
    ctx.clip();
    ctx.setFillStyle('#0000ff');
    ctx.fillRect(0, 10, 40, 20);
    ctx.restore();
    ctx.setStrokeStyle('#000000');
    ctx.setLineDash([4, 4], 0);
    ctx.beginPath();
    ctx.moveTo(0, 45);
    ctx.lineTo(100, 45);
    ctx.stroke();
    // The temp file made from the 2D canvas: its left half is red, its right half the blue image.
    ctx.drawImage(tempPath, 50, 10, 50, 40);
    ctx.setFontSize(20);
    this.add(`measure:${Math.round(ctx.measureText('iiii').width) < Math.round(ctx.measureText('WWWW').width)}`);
    ctx.draw(false, () => {
      this.add('drawn');
      wx.canvasGetImageData({
        canvasId: 'old',
        x: 10,
        y: 15,
        width: 21,
        height: 1,
        // Inside the clip (x 10) and outside it (x 30).
        success: (r) => this.add(`pixels:${Array.from(r.data.slice(0, 4)).join(',')}/${Array.from(r.data.slice(80, 84)).join(',')}:${r.width}x${r.height}`),
        fail: (r) => this.add(r.errMsg),
      });
      wx.canvasToTempFilePath({
        canvasId: 'old',
        success: (r) => this.add(`oldtemp:${r.tempFilePath.endsWith('.png')}`),
        fail: (r) => this.add(r.errMsg),
      });
    });
  },
});
