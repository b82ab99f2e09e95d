// The shop's menu. A real shop loads this with wx.request from its own server.
const categories = [
  { id: 'milk', name: '奶茶 Milk tea' },
  { id: 'fruit', name: '果茶 Fruit tea' },
  { id: 'extras', name: '小料 Toppings' },
]

const products = [
  { id: 'm1', category: 'milk', name: '珍珠奶茶 Pearl milk tea', price: 1500, tags: ['招牌'] },
  { id: 'm2', category: 'milk', name: '黑糖鲜奶 Brown sugar milk', price: 1800, tags: [] },
  { id: 'm3', category: 'milk', name: '芋泥波波 Taro boba', price: 1900, tags: ['新品'] },
  { id: 'f1', category: 'fruit', name: '满杯百香果 Passion fruit', price: 1600, tags: [] },
  { id: 'f2', category: 'fruit', name: '杨枝甘露 Mango pomelo', price: 2200, tags: ['招牌'] },
  { id: 'e1', category: 'extras', name: '加珍珠 Extra pearls', price: 200, tags: [] },
]

function byCategory() {
  return categories.map((category) => ({
    ...category,
    products: products.filter((product) => product.category === category.id),
  }))
}

function find(id) {
  return products.find((product) => product.id === id)
}

module.exports = { byCategory, find }
