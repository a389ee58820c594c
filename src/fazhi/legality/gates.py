"""The statutory gate on a lawful review, written once for every register that needs it.

* 规范性文件 may not be published without a 合法性审核 whose conclusion is 合法 or 修改后合法
  (国办发〔2018〕115号; ``normative_docs`` calls it for 公布);
* a 重大行政决策 may not go to 集体讨论 without one (重大行政决策程序暂行条例 第25条;
  ``decisions`` calls it for 集体讨论).

Use it in a ``Transition.problem``: ``lawful_review_problem(doc.legality_review, action="公布")``.
"""

from __future__ import annotations

from fazhi.legality.models import PASSING, Conclusion, Review, Status


def lawful_review_problem(review: Review | None, *, action: str) -> str:
    """ "" when ``review`` exists and concluded 合法 or 修改后合法; otherwise the reason (in
    Chinese, naming ``action``, e.g. "公布" or "提交集体讨论") why the item may not go on."""
    if review is None:
        return f"未经合法性审查（或审查结论不是“合法”“修改后合法”），不能{action}"
    if review.status != Status.DONE:
        state = "已退回补充，" if review.status == Status.RETURNED else ""
        return (
            f"合法性审查尚未完成（审查编号 {review.number}，{state}期限 "
            f"{review.due_on:%Y-%m-%d}），不能{action}"
        )
    if review.conclusion in PASSING:
        return ""
    label = Conclusion(review.conclusion).label if review.conclusion else "无"
    return (
        f"合法性审查结论为“{label}”（审查编号 {review.number}），"
        f"不是“合法”“修改后合法”，不能{action}"
    )
