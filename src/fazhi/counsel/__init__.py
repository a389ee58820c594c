"""法律顾问 and 公职律师: the roster of each unit's legal advisers (聘期, 在聘 → 已解聘 / 聘期届满 →
续聘), their participation (counted from the 合法性审查 and 重大行政决策 registers where they are
named, typed for the 涉法事务 no register holds) and the yearly 法律顾问覆盖 rows of the metrics."""
