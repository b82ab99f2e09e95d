// A store finder: two shops with callouts, a route between them, a zone and a radius; MapContext calls.
Page({
  data: {
    longitude: 116.397, latitude: 39.908, scale: 14, log: '', result: '',
    markers: [
      { id: 1, latitude: 39.908, longitude: 116.397, iconPath: '/images/pin.png', width: 20, height: 30,
        callout: { content: 'Shop one', display: 'ALWAYS', bgColor: '#ffffff', padding: 4 } },
      { id: 2, latitude: 39.915, longitude: 116.404, title: 'Shop two', label: { content: 'two', anchorX: 10, anchorY: 0 } },
    ],
    polyline: [{ points: [{ latitude: 39.908, longitude: 116.397 }, { latitude: 39.915, longitude: 116.404 }], color: '#FF0000DD', width: 4, dottedLine: true }],
    polygons: [{ points: [{ latitude: 39.90, longitude: 116.39 }, { latitude: 39.90, longitude: 116.40 }, { latitude: 39.905, longitude: 116.395 }], strokeWidth: 2, strokeColor: '#0000FFFF', fillColor: '#0000FF33' }],
    circles: [{ latitude: 39.908, longitude: 116.397, radius: 300, color: '#00AA00FF', fillColor: '#00AA0022', strokeWidth: 1 }],
  },
  onReady() {
    this.map = wx.createMapContext('shops');
  },
  note(text) {
    this.setData({ log: `${this.data.log}${text};` });
  },
  onMarker(e) { this.note(`marker ${e.detail.markerId} ${e.markerId}`); },
  onCallout(e) { this.note(`callout ${e.detail.markerId}`); },
  onRegion(e) { if (e.type === 'end') this.note(`region end ${e.causedBy}`); },
  onTap(e) { this.note(`tap ${e.detail.latitude.toFixed(2)},${e.detail.longitude.toFixed(2)}`); },
  async ask() {
    const center = await this.map.getCenterLocation();
    const { scale } = await this.map.getScale();
    const region = await this.map.getRegion();
    const inside = region.southwest.latitude < 39.908 && region.northeast.latitude > 39.908;
    this.setData({ result: `center ${center.latitude.toFixed(3)},${center.longitude.toFixed(3)} scale ${scale} inside ${inside}` });
  },
  include() {
    this.map.includePoints({
      points: [{ latitude: 39.0, longitude: 116.0 }, { latitude: 40.5, longitude: 117.5 }],
      padding: [10, 10, 10, 10],
      success: async () => {
        const region = await this.map.getRegion();
        this.setData({ result: `fits ${region.southwest.latitude < 39.0 && region.northeast.longitude > 117.5}` });
      },
    });
  },
  translate() {
    this.map.translateMarker({
      markerId: 2, destination: { latitude: 39.95, longitude: 116.45 }, autoRotate: false, duration: 100,
      animationEnd: () => this.note('arrived'),
      success: (res) => this.note(res.errMsg),
    });
  },
  move() {
    this.map.moveToLocation({ latitude: 31.23, longitude: 121.47, success: () => this.note('moved') });
  },
});
