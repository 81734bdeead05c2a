"""The web UI's words for notification settings and deliveries, in Chinese and English
(merged into `web.words.WORDS`)."""

WORDS: dict[str, tuple[str, str]] = {
    "nav.settings": ("设置", "Settings"),
    "set.title": ("通知设置", "Notification settings"),
    "set.channels": ("接收渠道", "Channels"),
    "set.inbox": ("站内信（督办记录，始终开启）", "In-app inbox (the record; always on)"),
    "set.email": ("电子邮件", "Email"),
    "set.no_email": ("尚未登记邮箱，请联系管理员", "No address on file; ask an admin to add one"),
    "set.webhook": ("所在辖区的群机器人（由管理员设置）", "Your jurisdiction's group robot (set by an admin)"),
    "set.digest": ("每日汇总：每天一封邮件，代替逐条邮件", "Daily digest: one mail a day instead of one per notification"),
    "set.save": ("保存", "Save"),
    "set.saved": ("已保存", "Saved"),
    "nav.deliveries": ("外发通知", "Deliveries"),
    "dl.title": ("外发通知记录", "Deliveries beyond the inbox"),
    "dl.robots": ("辖区群机器人", "Jurisdictions' group robots"),
    "dl.no_robots": ("尚未设置群机器人（PUT /api/v1/admin/webhooks/{行政区划代码}）", "No group robot set (PUT /api/v1/admin/webhooks/{region_code})"),
    "dl.all": ("全部", "All"),
    "dl.empty": ("没有外发记录", "No deliveries"),
    "dl.channel": ("渠道", "Channel"),
    "dl.recipient": ("接收方", "Recipient"),
    "dl.status": ("状态", "Status"),
    "dl.attempts": ("尝试", "Attempts"),
    "dl.created": ("生成时间", "Planned"),
    "dl.sent": ("送达时间", "Sent"),
}
