"""重大行政决策 register: the annual 决策事项目录 and each decision with the procedures of the
重大行政决策程序暂行条例 (国务院令第713号) as a checklist. See README.md."""
