"""Customer service (客服消息) and feedback (意见反馈): `<button open-type="contact|feedback">`."""
