"""Vocabulary of the accusation rules: names, titles, units, relatives and the weighted misconduct terms.

Data, not logic (:mod:`classifier.rules.accusation` compiles and applies it). Terms are written simplified
and lower-case, as :func:`classifier.textnorm.normalise` leaves the text; ``term:weight`` as in
:func:`classifier.textnorm.parse_weighted`.
"""

from __future__ import annotations

# The common surnames (百家姓 by frequency) — enough to recognise 王科长, 周某, 姓陈的, 老王.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯"
    "纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪"
    "简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎"
    "甄丛仲虞敖巩明佘池查麻苑迟邝"
)
PINYIN_SURNAMES = (
    "zhang|wang|li|liu|chen|yang|zhao|huang|zhou|wu|xu|sun|hu|zhu|gao|lin|he|guo|ma|luo|zheng|liang|xie|"
    "song|tang|han|feng|deng|cao|peng|zeng|xiao|tian|dong|pan|yuan|cai|jiang|yu|du|ye|cheng|wei|su|lu|"
    "ding|ren|shen|yao|cui|qian|qin|gu|jin|fan|fang|shi|xia|tan|lei|hou|long|mao|wan|kong|zou|meng|qiu|"
    "bai|yan|cui|kang|mo|tao|jia|fu|wen|fei|hao|shao|niu|ge|xing|pang|ni|zhuang|lv|lu|lou|qi"
)
# Job titles; a title with a surname (王科长) names someone, a bare title (副主任) points at one.
TITLES = (
    "副处长|处长|副科长|科长|副主任|主任|副局长|局长|副书记|书记|总经理|副经理|经理|总监|主管|董事长|"
    "副部长|部长|组长|队长|站长|所长|院长|秘书长|老板|老总|副总|总|同志|主席|厂长|行长|专员|"
    "指导员|科员|会计|出纳|教练|校长|园长|医生|护士长|支书|村主任"
)
BARE_TITLES = (
    "副处长|处长|副科长|科长|副主任|主任|副局长|局长|副书记|书记|副总|总经理|秘书长|专员|指导员|副组长|副部长|部长"
)
ROLES = (
    "副?处长|副?科长|副?主任|副?局长|副?书记|领导|干部|经办人|负责人|工作人员|同志|专员|指导员|科员|"
    "老总|老板|经理|副总|会计|出纳"
)
UNITS = "处|科|室|中心|办公室|办|部门|部|单位|局|站|所|组|队|公司|集团|平台|街道|街镇|居委会|村委会"
SURNAME = f"[{SURNAMES}]"
# Characters common in Chinese trade names (字号: 鑫泰置业, 润丰实业, 恒广传媒, 虹祥平台公司); a word of
# two characters with one of them, before an industry word, is most likely a company's name.
TRADE_NAME_CHARS = (
    "鑫泰润丰卓衡恒广宏海汇祥虹华达锦盛嘉瑞远金银龙凯腾宇博睿佳亿隆兴昌旺福康浩荣星源晟昊鼎申沪浦润豪"
    "富裕盈诚亨汉唐辉耀峰舜禾邦捷迅驰骏弘毅臻"
)
# Industry words after a trade name: alone (鑫泰置业) or only with 公司/集团 after them (虹祥平台公司;
# 信息平台, 联动管理 and 经济发展 are no names).
INDUSTRIES = "智能|科技|置业|实业|咨询|传媒|物业|物流|地产|园林|控股|商贸|智联|集团"
COMPANY_INDUSTRIES = (
    f"{INDUSTRIES}|建设|发展|投资|文化|贸易|人力|数据|信息|网络|能源|环境|管理|平台|园区运营|运营"
)
HAN = "[\u4e00-\u9fff]"
# Words that make up generic company descriptions (一家物流公司, 管委会下属的平台公司, 外资公司): what is
# left of the words before 公司 once these are gone is a trade name (信达恒供应链公司 → 信达恒).
GENERIC_COMPANY_WORDS = (
    "物业|运营|开发|中介|平台|国有|国资|科技|咨询|建设|投资|发展|服务|管理|贸易|文化|传媒|园林|物流|供应链|"
    "人力资源|人力|会展|规划|策划|广告|设计|工程|建筑|装修|装饰|保洁|安保|保安|餐饮|实业|置业|地产|房产|房地产|"
    "能源|环境|环保|数据|信息|网络|互联网|智能|数字|商业|航空|外资|民营|私营|上市|合资|外包|代理|保险|银行|"
    "快递|外卖|电力|燃气|施工|承包|劳务|派遣|租赁|经纪|培训|教育|医药|医疗|食品|汽车|出租车|中标|承建|认养|"
    "代建|相关|有关|所属|下属|国企|私企|企业|单位|大型|小型|中型|总|分|子|母|新|老|空壳|皮包|关联|旗下|"
    "股份|有限|责任|控股|集团|上海|虹桥|长宁|闵行|青浦|嘉定|商务区|管委会|区属|市属|区里|市里|别的|其他|"
    "其它|哪|什么|同一|一样|对面|隔壁|楼上|楼下|原来|以前|现在|注册|成立|外面|外头"
)
# Characters after which the words before 公司 are no longer its name (我们公司, 这家公司, 给了一个公司).
COMPANY_NAME_BREAK = "的是在了把给被让跟和与叫说个家那这该某我们本一其为他她它你或及到向从对由"
RELATIVES = (
    "亲属|亲戚|家属|家人|老婆|妻子|爱人|丈夫|老公|儿子|女儿|儿媳妇?|女婿|小舅子|舅子|弟弟|哥哥|姐姐|妹妹|"
    "侄子|侄女|外甥|表哥|表弟|表姐|表妹|堂哥|堂弟|姐夫|妹夫|连襟|亲家|舅舅|岳父|岳母|同学|朋友|老部下|老乡|"
    "战友|发小|情人|自己人|自家|熟人|亲信|相好|干儿子|干女儿|关系户|前夫|前妻"
)

# Wrongdoing, with how strongly each says "someone did wrong" (requests to investigate are weak:
# they add to a misdeed but are none by themselves).
WRONGDOING = (
    # bribery and graft
    "受贿:3 行贿:3 索贿:3 索要:2 索取:2 贪污:3 贪腐:3 腐败:1.5 回扣:3 返点:2.5 好处费:3 好处:1 "
    "红包:2 礼金:2.5 购物卡:2.5 礼品卡:2.5 消费卡:2.5 加油卡:2.5 提货券:2.5 卡券:2 送名表:2.5 "
    "名牌表:2 名牌手表:2 名烟名酒:2.5 "
    "烟酒:1.5 两条烟:2 茅台:1.5 收钱:2.5 收了钱:2.5 收了:1 收受:2.5 受礼:2.5 收礼:2.5 送礼:2 收红包:2.5 "
    "表示一下:2.5 表示表示:2.5 意思一下:2.5 意思意思:2.5 孝敬:2.5 打点:2 上供:2.5 塞钱:2.5 给钱:1.5 "
    "感谢费:2.5 辛苦费:2 茶水费:2 咨询费:1 服务费:0.5 中介费:1 疏通费:3 "
    "利益输送:3 权钱交易:3 以权谋私:3 吃拿卡要:3 中饱私囊:3 装进自己口袋:3 装进腰包:3 揣进腰包:3 "
    "干股:3 入股:2 占股:2 持股:1.5 控股:1 代持:2.5 分红:1 挂名:1.5 吃空饷:3 "
    # banquets and favours
    "宴请:2 吃请:2.5 请吃饭:2 请客吃饭:2 吃过饭:1.5 吃饭:0.5 饭局:2 喝酒:1 高档餐厅:1.5 会所:1 "
    "高尔夫:1.5 打牌:1 旅游:0.5 出国考察:1 "
    # misuse of funds and property
    "挪用:3 侵占:3 侵吞:3 贪占:3 私分:3 小金库:3 套取:3 骗取:3 冒领:3 虚报:2.5 虚开:2.5 虚开发票:3 "
    "假发票:2.5 报销:1 私人消费:2.5 私人吃喝:3 公款:2 公款吃喝:3 公款旅游:3 大吃大喝:2 违规发放:3 "
    "乱发:2 公车私用:3 公车:1.5 挥霍:2 乱花:1 白给:2 白用:2 低价:1.5 低于市场价:2.5 高于市场:2 "
    "明显高于:1.5 以次充好:2.5 偷工减料:2.5 "
    # bids, awards, approvals
    "围标:2.5 串标:2.5 陪标:2.5 内定:2.5 暗箱操作:2.5 暗箱:2 量身定做:2 量身定制:2 透露标底:3 泄露:2 "
    "走后门:2.5 开后门:2.5 开绿灯:2.5 打了招呼:2 打招呼:1.5 说情:2 插手:2 干预:1.5 包办:1 "
    "关系不一般:2 关系很好:1.5 关系很铁:2 关系密切:1.5 走得很近:1.5 称兄道弟:1.5 很熟:1 搞定:1.5 "
    "搞定关系:2.5 走关系:2 托关系:2 找关系:1.5 拉关系:1.5 疏通:2 摆平:2 明码标价:2.5 "
    "卡着不批:2 卡脖子:1 故意刁难:2 刁难:1.5 拖着不办:1.5 暗示:1.5 指定:1 指定的中介:2.5 "
    "转包:2 违法分包:2 透露:2 提前透露:2.5 腰包:2.5 顿饭:1.5 否则不给:2 不然不给:2 否则不批:2 "
    "不给验收:1.5 要求买:1.5 不了了之:1 照付:1 抄的:1 "
    "签字:0.5 没到场:1 赚钱:1 造假:2.5 弄虚作假:3 摆拍:1.5 走了过场:1 "
    # abuse of office and discipline
    "违规兼职:2.5 兼职:1 在外开公司:3 开公司:1.5 经商:1.5 经商办企业:2.5 当顾问:1.5 顾问费:2 监事:1 "
    "做代理:1.5 接私活:2 赚外快:2 拉业务:1.5 私下:1 勾结:2.5 串通:2.5 沆瀣一气:3 "
    "以权压人:2 打击报复:3 报复:2 敲诈:3 勒索:3 威胁:1.5 失职:2 渎职:3 玩忽职守:3 滥用职权:3 "
    "违纪:2.5 违反纪律:2.5 违规:1.5 违法:1.5 利用职权:3 利用职务:2.5 职务便利:2.5 职务之便:2.5 职权:1 "
    "谋私:2.5 私利:2 萝卜招聘:3 萝卜坑:3 任人唯亲:2.5 买官:3 卖官:3 跑官:3 突击提拔:2.5 赌博:2.5 "
    "包庇:2.5 徇私:2.5 徇私舞弊:3 袒护:2 通风报信:2.5 摊派:2.5 赞助:1 擅自:1 不在商务区上班:1 "
    "不符合条件:1 "
    # relatives and friends (suspicious beside a named official; see also the patterns)
    "亲戚:1.5 亲属:1.5 家属:1.5 老婆:1.5 妻子:1.5 丈夫:1.5 弟弟:1 哥哥:1 侄子:1.5 小舅子:2 表哥:1.5 "
    "表弟:1.5 女婿:1.5 儿媳:1.5 儿子:1 女儿:1 亲家:1.5 同学:1 老部下:1.5 自己人:1.5 "
    # requests to investigate
    "查处:1 核查:0.5 核实:0.5 查一下:1 查一查:1 纪检:1 纪委:1 "
    # English
    "asked_us_for:2 asked_for_money:3 collu*:2.5 fraud*:3 misappropriat*:3 abuse_of_power:3 "
    "abused_his:2.5 abused_her:2.5 nepotism:3 crony*:2.5 rigged:2.5 fake_invoice*:3 brib*:3 kickback*:3 "
    "gift*:1.5 shopping_card*:2.5 embezzl*:3 corrupt*:2 accepted:1 cash:2 took_money:2.5 took_cash:3 "
    "pocket*:2 paid_off:2.5 under_the_table:3 relative*:1.5 cousin*:1.5 wife:1.5 husband:1.5 son:1 "
    "daughter:1 brother_in_law:2 in_exchange:1.5 favour*:1 favor*:1 shares:1.5 conflict_of_interest:2.5 "
    "won_every:1.5 always_wins:1.5 demanded:2 extort*:3 blackmail*:3 consulting_fee:2 fee:0.5 "
    "banquet*:2 wined_and_dined:3 dinner*:1 red_envelope*:2.5 hongbao:2.5 side_business:2 "
    "moonlight*:2 pressured:1.5 covered_up:2 rig*:1 "
    # The categories of the party's disciplinary rules (纪律处分条例) the words above leave thin:
    # integrity (funds withheld or pocketed, cheap purchases), organisation (one-man decisions,
    # promotions out of turn, falsified figures), the public (fees squeezed from people), work
    # (leaks, seals, obstructing the inspection).
    "截留:3 克扣:3 扣发:2 私吞:3 吞了:2 据为己有:3 占为己有:3 私自:1.5 违建:1.5 囤地:2 捂地:2 "
    "偷税:3 漏税:3 逃税:3 骗补:3 作假:2.5 做假:2.5 假账:3 做账:1.5 伪造:3 篡改:2.5 虚构:2.5 虚假:2 "
    "注水:2 对倒:2.5 冒名:2.5 冒用:2 顶替:2 抄袭:2 剽窃:2.5 没有回避:2.5 未回避:2.5 没回避:2.5 "
    "不回避:2 拍板:1 事后补:2 私刻:3 插队:1.5 破格:1 外甥:1.5 熟人:1 关系好:1.5 交情:1.5 亲信:1.5 "
    "关系户:2.5 内部消息:2 内部信息:1.5 对抗巡视:3 应付巡视:2 对抗组织:3 瞒报:2.5 隐瞒:1.5 包过:2 "
    "保证过:1.5 "
    "embezzl*:3 withh*:1.5 pocketed:3 forged:3 falsif*:3 fabricat*:2.5 fake:2 without_permit*:2 "
    "signed_it_off:1.5 signed_off:1 quietly:1 shell_compan*:2 insider:1.5 leaked:2 cover_up:2 "
    # Obstructing the inspection, approvals skipped, cover and protection, dereliction, tenders with
    # one bidder, work passed on: the kinds of misconduct (工作纪律, 组织纪律) said in plain words.
    "干扰巡视:3 阻挠巡视:3 别乱讲:2 别乱说:2 不要乱说:2 不许乱说:2 统一口径:2.5 串供:3 封口:2 "
    "没有审批:2 未经审批:2 没审批:2 没批就:2 未批先建:2.5 先建后批:2 无证经营:1.5 没有证照:1.5 "
    "没有许可:2 未见相关:1.5 没走程序:2 不走程序:2 没有走程序:2 绕过程序:2.5 偷偷加盖:2.5 私自加盖:2.5 "
    "加盖了:1.5 撑腰:2 保护伞:2.5 睁一只眼闭一只眼:2 视而不见:1.5 装看不见:2 拍了照就走:1.5 "
    "不作为:2 乱作为:2 推诿:1.5 踢皮球:1.5 故意拖:2 唯一一家:1.5 只有一家报名:2 连续三年拿到:1.5 "
    "年年都是:1.5 每次都是:1 转手:1.5 倒签:2.5 补台账:2 补材料:1 凑数:1 做低:2 做高:2 动了手脚:2.5 "
    "做了手脚:2.5 被改过:2 改了数据:2.5 改数据:2 章还在用:2 乱盖章:2 "
    "envelope*:2 tipped_off:2.5 tip_off:2 reserve_price:1.5 no_permit*:2 without_approval:2 "
    "looked_the_other_way:2 turned_a_blind_eye:2 cooked_the:2 doctored:2.5 backdat*:2.5 "
    "轮着来:2 说了算:1 提成:1.5 两边分:2 分钱:2 自己整改自己:2 故意不:1 翻旧账:1.5 一伙的:2 是一伙:2 "
    "路子粗:1.5 没人敢管:2 不敢管:1.5 勿敢管:2 倒号:2 号贩子:1.5 黑车:1 便宜得离谱:2 低得离谱:2 "
    "便宜得出奇:2 不开发票:2 不开票:1.5 穿小鞋:2.5 企业买单:2.5 老板买单:2.5 企业摊:2.5 "
    "official_car:1.5 for_his_family:1.5 for_her_family:1.5 land_premium:1 never_paid:1.5 "
    "private_members:1.5 members_club:1.5 in_a_row:1 retaliat*:2.5 punished_me:2 took_care_of:2 "
    "takes_care_of:2 take_care_of:1.5 appreciation:1.5 turned_a_blind:2 sister_in_law:2 "
    "close_friend*:1.5 college_classmate:1.5 classmate:1 decides_which:1.5 deciding_which:1.5 "
    "操纵:2.5 拉票:2 提前知道:1.5 谁允许:1.5 是谁编:2 谁编的:2 不敢不听:1.5 照拿:1.5 沟通好了:1.5 "
    "banknote*:2 folded_notes:2 cash_in_an_envelope:3"
)
