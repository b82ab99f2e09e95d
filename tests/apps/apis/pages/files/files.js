// The file system: sync and async forms, errors, persistence (a launch counter in a file).
Page({
  data: { out: '' },
  async onLoad() {
    const fs = wx.getFileSystemManager();
    const dir = `${wx.env.USER_DATA_PATH}/notes`;
    const r = {};
    let launches = 0;
    try {
      launches = Number(fs.readFileSync(`${dir}/count.txt`, 'utf8'));
    } catch (error) {
      r.firstRead = error.message;
      fs.mkdirSync(dir, true);
    }
    fs.writeFileSync(`${dir}/count.txt`, String(launches + 1), 'utf8');
    r.launches = launches + 1;
    fs.writeFileSync(`${dir}/a.txt`, 'hello', 'utf8');
    fs.appendFileSync(`${dir}/a.txt`, ' world');
    r.read = fs.readFileSync(`${dir}/a.txt`, 'utf8');
    r.base64 = fs.readFileSync(`${dir}/a.txt`, 'base64');
    r.bytes = fs.readFileSync(`${dir}/a.txt`).byteLength;
    fs.copyFileSync(`${dir}/a.txt`, `${dir}/b.txt`);
    fs.renameSync(`${dir}/b.txt`, `${dir}/c.txt`);
    r.list = fs.readdirSync(dir).sort();
    const stat = fs.statSync(`${dir}/c.txt`);
    r.stat = [stat.isFile(), stat.isDirectory(), stat.size];
    r.access = await fs.access({ path: `${dir}/b.txt` }).catch((res) => res.errMsg);
    r.asyncRead = (await fs.readFile({ filePath: `${dir}/c.txt`, encoding: 'utf8' })).data;
    r.denied = await fs.writeFile({ filePath: 'wxfile://elsewhere.txt', data: 'x' }).catch((res) => res.errMsg);
    fs.unlinkSync(`${dir}/c.txt`);
    r.afterUnlink = fs.readdirSync(dir).sort();
    r.info = (await wx.getFileInfo({ filePath: `${dir}/a.txt` })).size;
    this.setData({ out: JSON.stringify(r) });
  },
});
