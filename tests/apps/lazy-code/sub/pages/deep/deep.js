getApp().ran.push('deep');
Page({});
