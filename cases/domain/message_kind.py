"""Rules that tell what kind of message this is: accusation, claim, enquiry or suggestion.

An accusation (检举控告) accuses an identifiable person or unit of wrongdoing, so it is scored as
**wrongdoing × target**:

* *wrongdoing* — a weighted vocabulary of misconduct (graft, gifts and banquets, bid rigging,
  relatives' and friends' companies, moonlighting, misuse of funds, abuse of office, favours,
  retaliation …, in Chinese, English and the traditional forms the normaliser folds), plus
  patterns for what single words miss: taking money (收了我们两万块, 一次收三万), a relative's
  or friend's company (他小舅子开的公司, 家属控股的), favours to one's own (把名额给了他自己的亲戚),
  being treated (请了…领导吃饭), private expenses on public money (拿去报销私人吃喝);
* *target* — how identifiable the accused is: a named person (王科长, 周某, 姓陈的, 老王,
  Director Zhang) or unit (XX有限公司, 某平台公司) is certain (1.0); a role in a unit (建管中心的领导,
  有位科长, 负责审核的同志, 副主任) or a unit with "someone" (管委会有人) is nearly so (0.8); officials in
  general (干部, 领导, officials) are vague (0.5) and "some officials" (有的干部) vaguer still (0.3).
  Dealings with the writer (向我们索要, 让我们准备购物卡, asked us for) and a first-hand report verb
  (举报, 检举, 控告, 实名反映) make the accused identifiable from the writer's own case.

The message is an accusation when target × wrongdoing ≥ :data:`THRESHOLD`. A message that only
proposes or asks something about officials in general ("建议加大对干部收受礼金问题的查处力度",
"有的干部收钱办事的风气要刹住") has its vague target halved: it complains of graft but accuses no
one. Sealing is costly when wrong but a missed accusation reaches the accused department, so the
weights lean towards recall.

All functions take text already passed through :func:`cases.domain.textnorm.normalise`, except
where they say otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cases.domain.textnorm import TermMatcher, parse_weighted

THRESHOLD = 2.0

# The common surnames (百家姓 by frequency) — enough to recognise 王科长, 周某, 姓陈的, 老王.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯"
    "纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪"
    "简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎"
    "甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_PINYIN_SURNAMES = (
    "zhang|wang|li|liu|chen|yang|zhao|huang|zhou|wu|xu|sun|hu|zhu|gao|lin|he|guo|ma|luo|zheng|liang|xie|"
    "song|tang|han|feng|deng|cao|peng|zeng|xiao|tian|dong|pan|yuan|cai|jiang|yu|du|ye|cheng|wei|su|lu|"
    "ding|ren|shen|yao|cui|qian|qin|gu|jin|fan|fang|shi|xia|tan|lei|hou|long|mao|wan|kong|zou|meng|qiu|"
    "bai|yan|cui|kang|mo|tao|jia|fu|wen|fei|hao|shao|niu|ge|xing|pang|ni|zhuang|lv|lu|lou|qi"
)
# Job titles; a title with a surname (王科长) names someone, a bare title (副主任) points at one.
_TITLES = (
    "副处长|处长|副科长|科长|副主任|主任|副局长|局长|副书记|书记|总经理|副经理|经理|总监|主管|董事长|"
    "副部长|部长|组长|队长|站长|所长|院长|秘书长|老板|老总|副总|总|同志|主席|厂长|行长|专员|"
    "指导员|科员|会计|出纳"
)
_BARE_TITLES = "副处长|处长|副科长|科长|副主任|主任|副局长|局长|副书记|书记|副总|总经理|秘书长|专员|指导员"
_ROLES = (
    "副?处长|副?科长|副?主任|副?局长|副?书记|领导|干部|经办人|负责人|工作人员|同志|专员|指导员|科员|"
    "老总|老板|经理|副总|会计|出纳"
)
_UNITS = "处|科|室|中心|办公室|办|部门|部|单位|局|站|所|组|队|公司|集团|平台"
_S = f"[{_SURNAMES}]"
_HAN = "[\u4e00-\u9fff]"
_RELATIVES = (
    "亲属|亲戚|家属|家人|老婆|妻子|爱人|丈夫|老公|儿子|女儿|儿媳妇?|女婿|小舅子|舅子|弟弟|哥哥|姐姐|妹妹|"
    "侄子|侄女|外甥|表哥|表弟|表姐|表妹|堂哥|堂弟|姐夫|妹夫|连襟|亲家|舅舅|岳父|岳母|同学|朋友|老部下|老乡|"
    "战友|发小|情人|自己人|自家"
)

# (pattern, weight): how surely the pattern names someone identifiable.
_TARGETS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(rf"{_S}某某?"), 1.0),  # 周某, 刘某某
    (re.compile(rf"姓{_S}"), 1.0),  # 一位姓陈的同志, 姓胡额科长
    (re.compile(rf"{_S}姓"), 1.0),  # 赵姓副处长
    (re.compile(rf"{_S}(?:{_TITLES})"), 1.0),  # 王科长, 陈经理
    # 老王, 小李 (not 老师, 小时, 小区 …)
    (re.compile(rf"(?:老(?![师实是家大人板早])|小(?![时于康区学心吃孩组金朋姐伙]))(?:{_S})"), 0.8),
    (re.compile(rf"某(?:某|{_HAN}{{0,4}}(?:{_UNITS}))"), 1.0),  # 某某, 某平台公司, 某服务中心, 某处室
    (re.compile(rf"某位?(?:分管)?(?:{_ROLES})"), 1.0),  # 某主任, 某位领导
    (re.compile(rf"{_HAN}{{2,12}}(?:有限责任公司|有限公司|股份公司|集团)"), 1.0),
    # A quoted name that looks like a company, or any quoted name after a role word.
    (re.compile(r"[“\"「'‘][^”\"」'’]{2,15}(?:公司|科技|置业|物业|发展|人力资源|咨询|集团|商业中心|物流园|"
                r"园林|管理|贸易|实业|地产|传播|智联|会所)[”\"」'’]"), 1.0),
    (re.compile(r"(?:承建方|运营方|开发商|认养企业|中标单位|供应商|承包商|公司|企业|老板)"
                r"[“\"「][^”\"」]{2,15}[”\"」]"), 1.0),
    # A short proper name before 公司/科技/集团 (华信公司, 虹联科技), not a kind of company.
    (re.compile(rf"(?<![某家个些类的种])(?!咨询|人力|物业|平台|外面|外包|第三方|中介|贸易|建筑|施工|开发|科技|"
                rf"投资|服务|设计|广告|文化)(?:(?![开办在的了个家去到是做当给帮和跟与被把向从这那该各一些额])"
                rf"{_HAN}){{2}}(?:公司|科技|置业|集团|咨询|实业|传媒)"),
     0.7),
    (re.compile(r"(?:那|这|该)(?:个|位|名)?(?:家|个)?(?:公司|企业|开发商|物业|单位|中心)"), 0.7),
    (re.compile(r"(?:中标|承建|认养|运营|施工|代建)的?(?:单位|企业|公司|方|商)"), 0.7),
    # A role inside a named unit is identifiable too: 规划处一位副处长, 建管中心的领导, 公司负责人.
    (re.compile(rf"{_HAN}{{1,8}}(?:{_UNITS})(?:的|额|个)?(?:一位|一名|某位|这位|那位|那个|这个|某)?"
                rf"(?:{_ROLES})"), 0.8),
    (re.compile(rf"负责{_HAN}{{1,10}}的(?:一位|一名|某位)?(?:{_ROLES})"), 0.8),
    (re.compile(r"经办人|承办人|审批人|审核人|分管领导|一把手|主要领导|负责人|法人|法定代表人|评委|"
                r"评标专家"), 0.8),
    (re.compile(rf"(?:有位|有个|有一位|有名|一位|一名|那个|这个|那位|这位|该)(?:姓{_S}的?)?{_HAN}{{0,4}}"
                rf"(?:{_BARE_TITLES}|领导|干部|经理|工作人员)"), 0.8),
    # A bare title not in the plural (主任的儿媳妇, 副主任同学): a particular holder of the post.
    (re.compile(rf"(?<![们些某姓{_SURNAMES}])(?:{_BARE_TITLES})(?![们])"), 0.8),
    # A unit with someone in it: 管委会有人, 招商部门有人, 规划科里有个.
    (re.compile(rf"(?:管委会|{_HAN}{{1,6}}(?:{_UNITS}))(?:里|里面|内部)?(?:有人|有个人|有几个人)"), 0.8),
    (re.compile(r"某[\u4e00-\u9fff]{1,4}的"), 0.7),  # 某街镇的…, 某项目的…
    (re.compile(rf"(?<![a-z])(?:mr|mrs|ms|miss|dr|director|manager|chief|officer|head|secretary|deputy|"
                rf"boss|chairman|section chief|party secretary)\.? (?:{_PINYIN_SURNAMES})(?![a-z])"), 1.0),
    (re.compile(rf"(?<![a-z])(?:{_PINYIN_SURNAMES})(?:'s)? (?:from|of|in|at) the [a-z]+ "
                r"(?:office|division|department|bureau|section|centre|center)"), 1.0),
    (re.compile(r"(?<![a-z])(?:the|a|an|one|our) (?:[a-z]+ ){0,2}(?:officer|official|director|manager|"
                r"chief|clerk|head|inspector|deputy director|section chief|leader)(?![a-z])"), 0.8),
    (re.compile(r"(?<![a-z])(?:someone|somebody|a person|people|staff) (?:in|at|from) (?:the )?"
                r"[a-z' ]{0,30}(?:office|division|department|bureau|committee|centre|center)"), 0.8),
    (re.compile(r"(?<![a-z])(?:co\.?,? ?ltd|ltd|inc|company named|llc)(?![a-z])"), 0.8),
    # Officials in general: vague, but a concrete misdeed said of them is still worth a look.
    (re.compile(r"干部|领导|工作人员|公职人员|公务员|官员|当官的|管委会|(?<![a-z])(?:officials?|staff|"
                r"civil servants?|the committee)(?![a-z])"), 0.5),
)
_VAGUE_TARGET = 0.5
# "Some officials", "hear that an official …": a generality, not someone.
_SOME = re.compile(r"有的|有些|一些|个别|部分|某些|少数|不少|很多|好多|听说有|别的地方|其他地方|外地|"
                   r"(?<![a-z])(?:some|many|certain) (?:officials|cadres|staff)")
# The writer's own dealings with the accused: whoever 向我们索要 is identifiable from the case.
_DEALINGS = re.compile(
    r"(?:向|找|让|叫|逼|要求|暗示|跟|和|给)(?:我们|我|本人|我司|我公司|我们公司)|(?:收了|拿了|要了|收)(?:我们|我)|"
    r"我们(?:公司)?(?:给|送|被)|(?<![a-z])(?:asked|told|forced|made) (?:us|me)|from (?:us|me)(?![a-z])|"
    r"(?:our|my) (?:company|firm)"
)
_DEALINGS_WEIGHT = 0.8
# First-hand report verbs: the writer accuses someone they could name.
_REPORT = TermMatcher(parse_weighted(
    "举报:1 实名举报:1.5 实名反映:1.5 实名:1 检举:1 控告:1 揭发:1 揭露:1 状告:1 告发:1 "
    "i_want_to_report:1 report_that:1 whistleblow*:1"
))
_REPORT_TARGET = 1.0
# Proposals and questions about officials in general halve a vague target.
_GENERAL_FRAMING = re.compile(
    r"建议|希望|应该|应当|要加强|加大|力度|风气|杜绝|防止|严禁|不得|不能|不准|禁止|制度|机制|规定|教育|"
    r"是否|能否|有没有|怎么|如何|[?？]|(?<![a-z])(?:should|must|suggest|how)(?![a-z])"
)

# Wrongdoing, with how strongly each says "someone did wrong" (requests to investigate are weak:
# they add to a misdeed but are none by themselves).
_WRONGDOING = (
    # bribery and graft
    "受贿:3 行贿:3 索贿:3 索要:2 索取:2 贪污:3 贪腐:3 腐败:1.5 回扣:3 返点:2.5 好处费:3 好处:1 "
    "红包:2 礼金:2.5 购物卡:2.5 礼品卡:2.5 消费卡:2.5 加油卡:2.5 提货券:2.5 卡券:2 名表:2 名烟名酒:2.5 "
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
    "moonlight*:2 pressured:1.5 covered_up:2 rig*:1"
)

# Taking money, however phrased: 收了我们两万块, 收取…服务费, 拿了五千元, 一次收三万, 拿了…好处.
_TAKING_MONEY = re.compile(
    r"(?:收了|收取|收过|拿了|拿过|要了|索要|收受|吃了|拿走|捞了)[^。，,；;]{0,10}"
    r"(?:钱|费|[万千百]块|[万千百]?元|好处|钞票|红包|卡|烟|酒|礼)|"
    r"(?:收|要|拿)[一二两三四五六七八九十几\d]+(?:[万千百]|块|元)|(?:收|拿)[^。，,；;]{0,8}送的"
)
# A relative's or friend's company or share: 他小舅子开的公司, 老婆开额公司, 家属控股的.
_RELATIVES_BUSINESS = re.compile(
    rf"(?:{_RELATIVES})[^。，,；;]{{0,6}}(?:开的|开额|办的|经营的|控股|持股|入股|名下|当法人|是法人|是股东|"
    rf"的公司|额公司|的企业|公司|承包|承接|包了|拿下|拿到|中标)|(?:公司|企业)[^。，,；;]{{0,10}}(?:法人|老板|股东|负责人)[^。，,；;]{{0,4}}是"
    rf"[^。，,；;]{{0,8}}(?:{_RELATIVES})|"
    r"(?<![a-z])(?:his|her|their) (?:son|daughter|wife|husband|brother|sister|cousin|nephew|relative|"
    r"friend|in-law)s?(?:'s)?[a-z' ]{0,30}(?:company|firm|business)|"
    r"(?<![a-z])(?:son|daughter|wife|husband|brother|sister|cousin|nephew|relative|friend)'s "
    r"(?:company|firm|business)|(?:son|daughter|wife|husband|brother|cousin|relative)s? (?:runs|owns)"
)
# Favours to one's own: 把名额给了他自己的亲戚, 分给不符合条件的朋友, 把侄子招了进来.
_FAVOURS = re.compile(
    rf"(?:给了|给|分给|安排给|安排|招了|塞给|留给|批给|介绍给|交给|包给|低价租给|租给|卖给)[^。，,；;]{{0,8}}"
    rf"(?:{_RELATIVES})|(?:{_RELATIVES})[^。，,；;]{{0,4}}(?:招了进来|招进来|安排进|塞进)"
)
# Being treated: 开发商请了…领导吃饭, 请…喝酒.
_TREATED = re.compile(r"请了?[^。，,；;]{0,12}(?:吃饭|喝酒|吃喝|唱歌|洗脚|按摩|打球|旅游|打牌)|"
                      r"(?:吃了|喝了)[^。，,；;]{0,8}(?:饭|酒|顿)")
# Public money for private use: 拿去报销私人吃喝, 用公款…, 经费…吃饭.
_PRIVATE_USE = re.compile(
    r"(?:拿去|用来|用于|挪去|挪作)[^。，,；;]{0,6}(?:报销|吃喝|吃饭|私用|自己|家里|个人)|"
    r"(?:经费|资金|补贴|公款|公车)[^。，,；;]{0,10}(?:吃饭|吃喝|旅游|私用|家用|送人|开回家|自己用)|"
    r"报销[^。，,；;]{0,4}(?:私人|个人|家里|自己)"
)
# A company close to an official: 老板跟管委会李处长是同学, 搞定了管委会的关系, 借认养的名义.
_CLOSENESS = re.compile(
    r"(?:老板|老总|公司|企业|开发商|中标|承建)[^。，,；;]{0,12}(?:跟|和|与)[^。，,；;]{0,12}"
    r"(?:是同学|是亲戚|是老乡|是战友|关系|很熟|称兄道弟|走得[很太]?近)|"
    r"借[^。，,；;]{0,10}(?:名义|关系|机会)"
)
# Fixing it with officials: 搞定了管委会的关系, 打通了关系.
_FIXING = re.compile(r"(?:搞定|打通|摆平|疏通)了?[^。，,；;]{0,8}(?:关系|领导|门路)")
# Moonlighting: 上班时间在外面给企业做…, 在外面接活.
_MOONLIGHTING = re.compile(
    r"(?:在外面?|私下|业余|周末|下班后?)[^。，,；;]{0,6}(?:给|帮|替|为)?[^。，,；;]{0,6}"
    r"(?:企业|公司|老板)?[^。，,；;]{0,4}(?:做|当|兼|接|办|开)[^。，,；;]{0,6}(?:赚钱|拿钱|收费|代理|顾问|生意|业务|公司|活)"
)
_PATTERN_WEIGHTS = (
    (_TAKING_MONEY, 2.5),
    (_RELATIVES_BUSINESS, 2.5),
    (_FAVOURS, 2.0),
    (_TREATED, 2.0),
    (_PRIVATE_USE, 2.5),
    (_MOONLIGHTING, 2.0),
    (_CLOSENESS, 1.5),
    (_FIXING, 2.5),
)

_QUESTION = re.compile(
    r"请问|能否告知|能否|是否|能不能|可不可以|怎么办|怎么|如何|哪里|哪个|哪些|什么时候|几点|"
    r"多少|多久|吗[?？。]?|[?？]|哪能|啥辰光|伐[?？]|(?<![a-z])(?:where|when|how|what|can i)(?![a-z])"
)
_COMPLAINT = re.compile(r"建议|希望|应该|应当|要求|必须|不能|太[^阳]|没人管|不管|乱|差|不满|投诉|反映|为什么|"
                        r"怎么能|凭什么|不合理|不公|违规|整改|请查|查处|严肃|就完了|难道|有啥用|名不副实|"
                        r"please (?:publish|fix|stop)|should")
_CLAIM = re.compile(r"赔偿|补偿|退还|退款|退钱|退押金|返还|申诉|复议|我的[^。，,]{0,12}被|我被|被扣|被罚|"
                    r"权益怎么保障|权益[^。]{0,6}保障|打水漂|拖欠|欠我|要求退|refund|compensat")

_WRONG = TermMatcher(parse_weighted(_WRONGDOING))


@dataclass(frozen=True)
class AccusationCheck:
    """The verdict with its evidence: who is named, which wrongdoing was found, and the scores."""

    accusation: bool
    targets: tuple[str, ...]
    wrongdoing: tuple[str, ...]
    target_score: float = 0.0
    wrongdoing_score: float = 0.0


def wrongdoing_evidence(text: str) -> tuple[list[str], float]:
    """The wrongdoing terms and patterns found in the (normalised) text, and their summed weight."""
    found = list(dict.fromkeys(_WRONG.find(text)))
    weight = sum(_WRONG.terms[w] for w in found)
    for pattern, pattern_weight in _PATTERN_WEIGHTS:
        match = pattern.search(text)
        if match:
            # Count only what the terms inside the match did not already count (收受红包 is one
            # misdeed, not 收受 + 红包 + a pattern).
            inside = sum(_WRONG.terms[w] for w in dict.fromkeys(_WRONG.find(match.group(0))))
            if pattern_weight > inside:
                found.append(match.group(0))
                weight += pattern_weight - inside
    return found, weight


def target_evidence(text: str) -> tuple[list[str], float]:
    """Who the (normalised) text points at, and how identifiable the best of them is (0 … 1)."""
    targets: list[str] = []
    best = 0.0
    for pattern, weight in _TARGETS:
        for match in pattern.finditer(text):
            targets.append(match.group(0))
            best = max(best, weight)
    if 0.0 < best <= _VAGUE_TARGET and _SOME.search(text):
        best = 0.3  # 有的干部, some officials: a generality
    dealings = _DEALINGS.search(text)
    if dealings and best < _DEALINGS_WEIGHT:
        targets.append(dealings.group(0))
        best = _DEALINGS_WEIGHT
    return targets, best


def check_accusation(text: str) -> AccusationCheck:
    """Whether the (normalised) text accuses an identifiable person or unit of wrongdoing."""
    wrong, wrong_weight = wrongdoing_evidence(text)
    targets, target_weight = target_evidence(text)
    reports = list(dict.fromkeys(_REPORT.find(text)))
    if reports:
        # "举报 X" names X as accused; the verb is evidence, and with a misdeed it makes the
        # accused identifiable to the writer even when the message does not name them.
        wrong = reports + wrong
        report_weight = max(_REPORT.terms[r] for r in reports)
        if wrong_weight > 0 or target_weight >= 0.8:
            target_weight = max(target_weight, _REPORT_TARGET)
        wrong_weight += 2.0 * report_weight
    elif target_weight <= _VAGUE_TARGET and _GENERAL_FRAMING.search(text):
        target_weight /= 2  # a proposal or a question about officials in general
    accusation = target_weight * wrong_weight >= THRESHOLD and wrong_weight > 0
    return AccusationCheck(
        accusation,
        tuple(dict.fromkeys(targets)),
        tuple(wrong),
        round(target_weight, 2),
        round(wrong_weight, 2),
    )


def is_claim(text: str) -> bool:
    """Whether the (normalised) text asks for something for the writer personally (申诉求决)."""
    return _CLAIM.search(text) is not None


def is_enquiry(text: str) -> bool:
    """Whether the (normalised) text only asks a question, with no complaint or proposal."""
    return _QUESTION.search(text) is not None and _COMPLAINT.search(text) is None


def message_kind(text: str, *, accusation: bool, out_of_scope: bool) -> str:
    """The case kind: accusation, out_of_scope, claim, enquiry or suggestion (in that order)."""
    if accusation:
        return "accusation"
    if out_of_scope:
        return "out_of_scope"
    if is_claim(text):
        return "claim"
    if is_enquiry(text):
        return "enquiry"
    return "suggestion"
