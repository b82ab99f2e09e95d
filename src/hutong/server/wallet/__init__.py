"""The user's wallet in the host: balance (from the ledger), top-up and withdrawal (through a funding
provider), history, the payment PIN, and paying mini programs' orders (wx.requestPayment)."""
