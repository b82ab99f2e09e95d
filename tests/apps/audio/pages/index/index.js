// <audio> with wx.createAudioContext, wx.createWebAudioContext and InnerAudioContext's buffered: every
// answer goes into #log as one JSON line.

/** A mono 8-bit WAV file of `count` samples at 8 kHz, as an ArrayBuffer (for decodeAudioData). */
function wav(count) {
  const bytes = new Uint8Array(44 + count);
  const view = new DataView(bytes.buffer);
  const text = (at, s) => [...s].forEach((c, i) => bytes[at + i] = c.charCodeAt(0));
  text(0, 'RIFF'); view.setUint32(4, 36 + count, true); text(8, 'WAVE'); text(12, 'fmt ');
  view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
  view.setUint32(24, 8000, true); view.setUint32(28, 8000, true); view.setUint16(32, 1, true); view.setUint16(34, 8, true);
  text(36, 'data'); view.setUint32(40, count, true);
  for (let i = 0; i < count; i += 1) bytes[44 + i] = i % 2 ? 255 : 128;
  return bytes.buffer;
}

Page({
  data: { log: '', time: 0, buttons: ['play', 'pause', 'seek', 'web', 'decode', 'inner'] },
  onReady() {
    this.audio = wx.createAudioContext('player');
  },
  add(line) {
    this.setData({ log: `${this.data.log}${JSON.stringify(line)}\n` });
  },
  onEvent(event) {
    this.add({ event: event.type, target: event.currentTarget.id, detail: event.detail });
  },
  onTime(event) {
    this.setData({ time: Math.round(event.detail.currentTime * 10) / 10 });
  },
  tap(event) {
    switch (event.currentTarget.dataset.name) {
      case 'play':
        this.audio.play();
        break;
      case 'pause':
        this.audio.pause();
        break;
      case 'seek':
        this.audio.seek(10);
        break;
      case 'web': {
        const ctx = wx.createWebAudioContext();
        this.web = ctx;
        const buffer = ctx.createBuffer(1, 4000, 8000);
        const samples = buffer.getChannelData(0);
        for (let i = 0; i < samples.length; i += 1) samples[i] = Math.sin(i / 8) * 0.2;
        const source = ctx.createBufferSource();
        const gain = ctx.createGain();
        gain.gain.value = 0.5;
        gain.gain.setValueAtTime(0.5, 0);
        source.buffer = buffer;
        source.connect(gain);
        gain.connect(ctx.destination);
        source.onended = () => this.add({ web: 'ended', state: ctx.state, played: ctx.currentTime >= 0.5 });
        ctx.resume().then(() => {
          this.add({ web: 'resumed', state: ctx.state, sampleRate: ctx.sampleRate > 0 });
          source.start();
        });
        break;
      }
      case 'decode': {
        const ctx = this.web || wx.createWebAudioContext();
        ctx.decodeAudioData(wav(800), (decoded) => {
          this.add({ decoded: decoded.numberOfChannels, seconds: Math.round(decoded.duration * 100) / 100, samples: decoded.getChannelData(0).length === decoded.length && decoded.length > 0 });
        }, (error) => this.add({ decodeError: String(error && error.errMsg || error) }));
        ctx.decodeAudioData(new ArrayBuffer(8)).catch(() => this.add({ garbage: 'refused' }));
        break;
      }
      case 'inner': {
        const inner = wx.createInnerAudioContext();
        inner.src = '/audio/tone.wav';
        let said = false;
        inner.onTimeUpdate(() => {
          if (said || !(inner.currentTime > 0)) return;
          said = true;
          this.add({ inner: 'time', buffered: inner.buffered > inner.currentTime, duration: inner.duration });
          inner.destroy();
        });
        inner.onError((res) => this.add({ inner: 'error', res }));
        inner.play();
        break;
      }
      default:
        break;
    }
  },
});
