"""Chinese names of the vocabulary the pages show (DOMAIN.md glossary)."""

STATES = {
    "submitted": "待审查",
    "accepted": "已立案",
    "returned": "已退回",
    "converted": "转来信",
    "merged": "已并案",
    "assigned": "办理中",
    "replied": "已答复",
    "awaiting_meeting": "待知情议政会",
    "closed": "已办结",
}
CATEGORIES = {
    "education": "教育",
    "health": "卫生健康",
    "employment": "就业",
    "social_security": "社会保障",
    "urban_construction": "城乡建设",
    "transport": "交通",
    "industry": "工业",
    "ecology_tourism": "生态旅游",
    "rural_revitalisation": "乡村振兴",
    "public_safety": "公共安全",
    "culture": "文化",
    "government_services": "政务服务",
    "other": "其他",
}
COLOURS = {"white": "白", "yellow": "黄", "red": "红"}
RATINGS = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
REPLY_CLASSES = {
    "A": "A 类（已解决或基本解决）",
    "B": "B 类（正在解决或列入计划）",
    "C": "C 类（暂不能解决）",
}
RECORD_KINDS = {
    "contact": "联系代表",
    "commitment": "承诺",
    "ledger": "台账",
    "co_input": "协办意见",
}
STAGES = {"before": "办前沟通", "during": "办中协商", "after": "办后反馈"}
DECISIONS = {"accept": "立案", "return": "退回", "convert": "转为来信", "merge": "并案"}
ROLES = {"committee": "人大常委会工作机构", "unit": "承办单位", "deputy": "代表", "reader": "查阅"}
ASSIGNMENT_ROLES = {"lead": "主办", "co": "协办"}
ASSIGNMENT_STATUS = {"active": "办理中", "ended": "已结束", "withdrawn": "已撤回"}
RATES = {
    "closure": "办结率",
    "on_time": "按时答复率",
    "done": "办成率",
    "satisfaction": "满意率",
    "strict_satisfaction": "满意率（仅满意）",
}
ACTIONS = {
    "screen": "审查",
    "mark_key": "列为重点建议",
    "assign": "交办",
    "request_adjustment": "申请调整",
    "request_extension": "申请延期",
    "approve_extension": "批准延期",
    "record": "办理记录",
    "co_input": "协办意见",
    "reply": "答复",
    "evaluate": "评价",
    "second_assign": "二次交办",
    "report_done": "报告办成",
    "supervise": "督办意见",
    "set_publication": "公开设置",
}
FIELDS = {
    "decision": "审查决定",
    "reason": "理由",
    "into": "并入建议编号",
    "lead_unit_id": "主办单位",
    "co_unit_ids": "协办单位",
    "kind": "记录类型",
    "stage": "阶段",
    "text": "内容",
    "reply_class": "答复类别",
    "public": "公开答复",
    "attitude": "办理态度",
    "result": "办理结果",
    "comment": "意见",
    "meeting_note": "知情议政会纪要",
    "held_on": "会议日期",
    "note": "说明",
    "leading_official": "领办领导",
    "supervisor": "督办人",
    "publish": "办结后公开",
    "unit_id": "单位",
}
EVALUATION_GRADES = {"good": "好", "fair": "一般", "poor": "差"}
"""A completed project's build quality and social effect (工程质量、社会效果)."""

EVALUATORS = {"constituent": "群众", "deputy": "代表"}

PROJECT_STAGES = {
    "recommended": "已推荐",
    "screened": "联络站已审核",
    "consulted": "征求部门意见中",
    "shortlisted": "列入候选",
    "candidate": "候选项目",
    "elected": "票决通过",
    "implementing": "实施中",
    "completed": "已完成",
    "dropped": "未采纳",
}
VERDICTS = {"satisfied": "满意", "basically": "基本满意", "dissatisfied": "不满意"}
CHANNELS = {"wechat": "微信", "sms": "短信", "email": "电子邮件"}
DELIVERY_CHANNELS = {**CHANNELS, "webhook": "Webhook", "inbox": "站内消息"}
