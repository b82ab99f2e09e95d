"""The user's shipping addresses and invoice titles, kept by the host for wx.chooseAddress and
wx.chooseInvoiceTitle (docs/compatibility.md, docs/security.md)."""
