// requirePlugin at the top of a module (public apps do it for map and location plugins): a declared
// plugin by alias or provider AppID gives a stand-in whose calls do nothing; an undeclared name throws.
const planner = requirePlugin('routePlanner');
const byProvider = requirePlugin('wx50b5593e81dd937a');

Page({
  data: { result: '' },
  onLoad() {
    let undeclared = '';
    try {
      requirePlugin('nothing');
    } catch (error) {
      undeclared = error.message;
    }
    this.setData({ result: `${typeof planner} ${planner.plan({ to: 'home' })} ${byProvider.plan === undefined} ${undeclared}` });
  },
});
