Component({ options: { virtualHost: true } })
