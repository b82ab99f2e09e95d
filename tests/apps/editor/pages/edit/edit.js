// A note editor: EditorContext from a selector query, formats, contents in and out (sanitised).
Page({
  data: { log: '', html: '', text: '', ops: '' },
  note(text) {
    this.setData({ log: `${this.data.log}${text};` });
  },
  onEditorReady() {
    this.note('ready');
    wx.createSelectorQuery().select('#ed').context((res) => {
      this.editor = res.context;
    }).exec();
  },
  onInput(e) { this.note(`input ${e.detail.text.trim()}`); },
  onFocus() { this.note('focus'); },
  onBlur(e) { this.note(`blur ${e.detail.html.length > 0}`); },
  onStatus(e) { this.note(`status ${Object.keys(e.detail).sort().join(',')}`); },
  set() {
    this.editor.setContents({
      html: '<div class="x" id="y" onclick="alert(1)">Hello <b>bold</b> <font color="red">red</font>'
        + '<script>alert(2)</script><span style="color: blue; position: fixed">blue</span></div>'
        + '<table><tr><td>cell</td></tr></table><p style="text-align: center; font-size: 40px">mid</p>',
      success: () => this.note('set'),
    });
  },
  bold() { this.editor.format('bold'); },
  heading() { this.editor.format('header', 'H2'); },
  insert() { this.editor.insertText({ text: ' more', success: () => this.note('inserted') }); },
  image() { this.editor.insertImage({ src: 'https://example.invalid/a.png', width: '20px', alt: 'pic', data: { id: 7 } }); },
  read() {
    this.editor.getContents({
      success: (res) => this.setData({ html: res.html, text: res.text, ops: JSON.stringify(res.delta.ops) }),
    });
  },
  undo() { this.editor.undo(); },
  clear() { this.editor.clear({ success: () => this.note('cleared') }); },
});
