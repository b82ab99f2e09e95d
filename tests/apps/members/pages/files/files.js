// FileSystemManager's descriptors and archives, and the RecorderManager's surface.
const fs = wx.getFileSystemManager();
const dir = `${wx.env.USER_DATA_PATH}/m`;

/** A ZIP archive of one stored entry and one deflated entry, made here as a zip tool would. */
async function makeZip() {
  const text = new TextEncoder();
  const deflate = async (bytes) => new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer());
  const items = [
    { name: 'a.txt', method: 0, raw: text.encode('stored A'), data: text.encode('stored A') },
    { name: 'sub/b.txt', method: 8, raw: text.encode('deflated B'.repeat(20)) },
  ];
  items[1].data = await deflate(items[1].raw);
  const parts = [];
  const central = [];
  let offset = 0;
  for (const item of items) {
    const name = text.encode(item.name);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(8, item.method, true);
    local.setUint32(18, item.data.length, true);
    local.setUint32(22, item.raw.length, true);
    local.setUint16(26, name.length, true);
    parts.push(new Uint8Array(local.buffer), name, item.data);
    const entry = new DataView(new ArrayBuffer(46));
    entry.setUint32(0, 0x02014b50, true);
    entry.setUint16(10, item.method, true);
    entry.setUint32(20, item.data.length, true);
    entry.setUint32(24, item.raw.length, true);
    entry.setUint16(28, name.length, true);
    entry.setUint32(42, offset, true);
    central.push(new Uint8Array(entry.buffer), name);
    offset += 30 + name.length + item.data.length;
  }
  const size = central.reduce((n, part) => n + part.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, items.length, true);
  end.setUint16(10, items.length, true);
  end.setUint32(12, size, true);
  end.setUint32(16, offset, true);
  const all = [...parts, ...central, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of all) {
    out.set(part, at);
    at += part.length;
  }
  return out.buffer;
}

Page({
  data: { fd: '', zip: '', recorder: '' },
  async onLoad() {
    try {
      fs.mkdirSync(dir, true);
    } catch (e) {}
    // Descriptors: write at the end, then at a position; read back; truncate; stat; close.
    const fd = fs.openSync({ filePath: `${dir}/d.txt`, flag: 'w+' });
    fs.writeSync({ fd, data: 'hello world' });
    fs.writeSync({ fd, data: 'W', position: 6 });
    const buffer = new ArrayBuffer(5);
    const read = fs.readSync({ fd, arrayBuffer: buffer, length: 5, position: 6 });
    fs.ftruncateSync({ fd, length: 5 });
    const size = fs.fstatSync({ fd }).size;
    fs.closeSync({ fd });
    let closed = 'open';
    try {
      fs.readSync({ fd, arrayBuffer: new ArrayBuffer(1), length: 1 });
    } catch (error) {
      closed = error.message;
    }
    const left = fs.readFileSync(`${dir}/d.txt`, 'utf8');
    this.setData({ fd: `${read.bytesRead} ${new TextDecoder().decode(buffer)} ${size} ${left} | ${closed}` });
    // Archives: unzip into a folder, and read entries without unzipping.
    fs.writeFileSync(`${dir}/x.zip`, await makeZip());
    await fs.unzip({ zipFilePath: `${dir}/x.zip`, targetPath: dir });
    const b = fs.readFileSync(`${dir}/sub/b.txt`, 'utf8');
    const entries = (await fs.readZipEntry({ filePath: `${dir}/x.zip`, entries: [{ path: 'a.txt', encoding: 'utf8' }, { path: 'none' }] })).entries;
    this.setData({ zip: `${fs.readFileSync(`${dir}/a.txt`, 'utf8')} ${b.length} ${b.slice(0, 10)} | ${entries['a.txt'].data} | ${entries.none.errMsg}` });
    // The recorder: one object, every listener registers; start asks for the microphone (refused here).
    const recorder = wx.getRecorderManager();
    const heard = [];
    for (const name of ['onStart', 'onStop', 'onPause', 'onResume', 'onFrameRecorded', 'onInterruptionBegin', 'onInterruptionEnd']) {
      recorder[name](() => heard.push(name));
    }
    recorder.start({ duration: 1000 });
    recorder.onError((error) => this.setData({ recorder: `${wx.getRecorderManager() === recorder} ${error.errMsg} ${heard.length}` }));
  },
});
