// bindcontact: when the user leaves the customer service session; path/query of a card they tapped.
Page({
  data: { out: '', item: '' },
  onLoad(query) {
    this.setData({ item: query.item || '' });
  },
  onContact(e) {
    this.setData({ out: JSON.stringify(e.detail) });
  },
  onFeedback(e) {
    this.setData({ out: JSON.stringify(e.detail) });
  },
});
