def test_init_then_add(cli, register):
    entry = cli.add()
    assert entry == 1
    assert cli.json("show", "1", "--format", "json")["title"] == "某工地拖欠农民工工资"
