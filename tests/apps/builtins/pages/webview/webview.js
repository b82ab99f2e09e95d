Page({ data: { src: 'https://evil.example/' } })
