Component({ properties: { items: Array } });
