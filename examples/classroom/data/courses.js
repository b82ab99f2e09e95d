module.exports = [
  {
    id: 'py',
    title: 'Python 入门 Python basics',
    teacher: '刘老师',
    level: 'Beginner',
    lessons: [
      { id: 'py1', title: 'Variables and types', minutes: 12 },
      { id: 'py2', title: 'Lists and loops', minutes: 15 },
      { id: 'py3', title: 'Functions', minutes: 18 },
    ],
  },
  {
    id: 'design',
    title: '设计基础 Design fundamentals',
    teacher: 'Ms Park',
    level: 'Beginner',
    lessons: [
      { id: 'd1', title: 'Colour', minutes: 10 },
      { id: 'd2', title: 'Type', minutes: 14 },
    ],
  },
  {
    id: 'finance',
    title: '个人理财 Personal finance',
    teacher: '周老师',
    level: 'Intermediate',
    lessons: [
      { id: 'f1', title: 'Budgets', minutes: 9 },
      { id: 'f2', title: 'Saving and investing', minutes: 16 },
      { id: 'f3', title: 'Insurance', minutes: 11 },
      { id: 'f4', title: 'Retirement', minutes: 13 },
    ],
  },
]
