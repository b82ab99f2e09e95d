// A module of the workers folder: required by the entry with a relative path, as in WeChat.
module.exports = {
  sum(numbers) {
    return numbers.reduce((total, n) => total + n, 0);
  },
};
