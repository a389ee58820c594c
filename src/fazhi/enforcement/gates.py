"""The one rule on who may be recorded as the officer of an 执法 action on a given day.

Used by the 执法数据 register (a record naming an officer whose 执法证 is not valid that day is
refused) and by the certificate pages (the red warning)."""

from __future__ import annotations

import datetime as dt

from fazhi.enforcement.models import CertStatus, Officer


def certificate_problem(officer: Officer, on: dt.date) -> str:
    """ "" when ``officer`` holds a valid 执法证 on ``on``; otherwise the reason in Chinese."""
    label = f"{officer.name}（执法证号 {officer.cert_number or '无'}）"
    if not officer.on_staff:
        return f"{label}不是在编人员，不能持证执法"
    if officer.status == CertStatus.SUSPENDED:
        return f"{label}的执法证已暂扣"
    if officer.status == CertStatus.CANCELLED:
        return f"{label}的执法证已注销"
    if officer.status != CertStatus.ISSUED or officer.cert_expires_on is None:
        return f"{label}未取得执法证"
    if officer.cert_issued_on and on < officer.cert_issued_on:
        return f"{label}的执法证 {officer.cert_issued_on:%Y-%m-%d} 才发证"
    if officer.cert_expires_on < on:
        return f"{label}的执法证已于 {officer.cert_expires_on:%Y-%m-%d} 过期"
    return ""
