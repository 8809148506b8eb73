# filled by the planner work
