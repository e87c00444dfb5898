// 各角色的待办（issue 19）：部门待办、督办中心、镇街待办、菜单计数与批量办理的界面文字。
// Keep queues.en.ts key-for-key identical (tested through the whole catalogue).

export default {
  inbox: {
    bulkSign: '批量签收',
    toSign: '待签收',
    toHandle: '办理中',
    supporterTasks: '协办任务',
    dueSoon: '即将到期',
    overdue: '已逾期',
  },
  home: {
    toRule: '待裁决',
  },
  todo: {
    callback: '待回访',
    registered: '待交办',
    withdrawal: '撤回审批中',
    overdue: '已逾期',
    hint: {
      callback: '部门已办结，请向企业回访并评价',
      registered: '等待区办交办；能当场解决的可“就地解决”',
      withdrawal: '已申请撤回，等待区办审批',
      overdue: '本镇街问题中已超期的',
    },
  },
  batch: {
    signTitle: '批量签收 {n} 个问题',
    closeTitle: '批量销号 {n} 个问题',
    optional: '可不填；填写则用于所选全部问题',
    eachOnItsOwn: '逐件办理：某一件不能办理时，其余照常办理，并列出未办理的件及原因。',
    signed: '已签收 {n} 件',
    closed: '已销号 {n} 件',
    notDone: '{n} 件未能办理：',
  },
  console: {
    toAssign: '待交办',
    disputed: '退回待裁定',
    extensionRequests: '延期申请',
    overdue: '逾期督办',
    readyToClose: '待销号',
    withdrawalRequests: '撤回申请',
    bulkAssign: '批量交办',
    bulkUrge: '批量督办',
    selected: '已选 {n} 项',
    bulkAssignTitle: '批量交办 {n} 个问题',
    bulkUrgeTitle: '批量督办 {n} 个问题',
    bulkDone: '已处理 {n} 个问题',
    bulkClose: '批量销号',
    suggestedHint: '时限按日历和参数自动计算；如需单独调整请逐个交办。',
  },
}
