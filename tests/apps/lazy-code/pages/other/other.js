getApp().ran.push('other');
Page({ data: { ran: getApp().ran.join(' ') } });
