// Each role's queues (issue 19), English: the department inbox, the office console, a
// township's 待办, the menu counts and batch acts, a list's 操作 column and side drawer, the
// ledger's search form. Key-for-key the same as queues.zh-CN.ts.

export default {
  inbox: {
    bulkSign: 'Sign selected',
    toSign: 'To sign',
    toHandle: 'To handle',
    supporterTasks: 'Supporter tasks',
    dueSoon: 'Due soon',
    overdue: 'Overdue',
  },
  home: {
    toRule: 'To rule',
  },
  todo: {
    callback: 'To call back',
    registered: 'Awaiting assignment',
    withdrawal: 'Withdrawal pending',
    overdue: 'Overdue',
    hint: {
      callback: 'Resolved by the department: call the company back and record its evaluation',
      registered: 'Waiting for the office to assign; what can be settled on the spot may be resolved locally',
      withdrawal: 'Withdrawal requested, waiting for the office',
      overdue: "This township's items past their deadline",
    },
  },
  batch: {
    signTitle: 'Sign {n} problems',
    closeTitle: 'Close {n} problems',
    optional: 'Optional; if filled, used for every selected problem',
    eachOnItsOwn: 'One at a time: an item that cannot be done does not stop the others, and is listed with the reason.',
    signed: '{n} signed',
    closed: '{n} closed',
    notDone: '{n} not done:',
  },
  console: {
    toAssign: 'To assign',
    disputed: 'Returns to rule on',
    extensionRequests: 'Extension requests',
    overdue: 'Overdue to urge',
    readyToClose: 'Ready to close',
    withdrawalRequests: 'Withdrawals',
    bulkAssign: 'Bulk assign',
    bulkUrge: 'Bulk urge',
    selected: '{n} selected',
    bulkAssignTitle: 'Assign {n} problems',
    bulkUrgeTitle: 'Urge {n} problems',
    bulkDone: '{n} problems done',
    bulkClose: 'Close selected',
    suggestedHint: 'Deadlines are computed from the calendar and settings; assign one by one to override them.',
  },
  queue: {
    more: 'More',
    peek: 'View',
    nextAfterAct: 'Next item after acting',
    openPage: 'Open full page',
    lastOne: 'That was the last item of this list',
  },
  ledgerForm: {
    keyword: 'Keyword',
    expand: 'More filters',
    collapse: 'Fewer filters',
    involved: 'Unit’s items',
    involvedPlaceholder: 'Lead or supporter',
    pairedLeader: 'Paired leader',
    keyLevel: 'Key level',
    dates: 'Dates',
  },
}
