Component({ properties: { name: String } });
