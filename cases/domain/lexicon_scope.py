"""The scope part of the lexicon: words of the rectification in general, matters for other
authorities, and stopwords. Same format as :mod:`cases.domain.lexicon`, which re-exports them.
"""

from __future__ import annotations

# Words that say "this is about the rectification" without pointing at one problem: they keep a
# message in scope (its kind then depends on the rest) but add to no problem's score.
GENERAL_TERMS = (
    "整改:1.5 巡视:2 通报:1.5 措施:1.5 回头看:1.5 整改进展:2 长效机制:1.5 批评教育:1.5 整改措施:1.5 "
    "具体问题:1 问题清单:1 落到实处:1 纸面:0.5 动真格:1 管委会:0.8 商务区:0.6 虹桥:0.3 一抓到底:1.5 "
    "雷声大雨点小:2 进度:1.5 公布进度:2 成效:1 落实:1 rectif*:2.5 inspection:1.5 progress:1.5 "
    "keep_going:1 committee:0.5 timeline*:0.5 "
    "廉政:1.5 廉洁:1 干部:0.8 规划:0.5 地块:1 招商:0.8 巡察:2 纪检:1.5 纪委:1.5 纪检组:2 督察:1 督办:1 "
    "信访:1.5 举报:1 检举:1 控告:1 问题整改:2 项问题:1.5 承诺:1 公开:0.5 党组:1.5 党风:1.5 "
    "issues:1 promised:0.8 publish*:0.8 accountab*:1.5 responsible:0.8 disciplin*:1.5"
)

# Matters for other authorities (traffic police, property managers, hospitals, schools …).
OUT_OF_SCOPE_TERMS = (
    "违停:3 罚单:3 贴条:3 贴罚单:3 交警:2.5 扣分:2 驾照:2.5 车管所:2.5 拍了违停:3 噪音:2.5 噪声:2.5 "
    "太吵:3 吵:1.5 扰民:2 打桩:2 装修:1.5 狗:2 狗叫:3 邻居:2 物业费:2.5 物业公司:1.5 维修基金:3 "
    "维修资金:3 物业经理:2 公共收益:2 业主大会:2 小区:1 房东:3 押金:3 租房:1.5 快递:3 外卖:2 外卖员:2.5 "
    "社保:3 公积金:3 户口:3 派出所:2.5 身份证:2 护照:3 签证:2.5 医院:2.5 挂号:3 看病:2.5 专家号:3 "
    "食物中毒:3 上吐下泻:2 学校:2 学区:3 上学:2.5 小学:2 中考:2 高考:2 地铁:1 号线:2 公交:2 班次:2 加车:2 "
    "大巴:2 出租车:2.5 打车:2 司机:1.5 绕路:2 航班:2.5 行李:2.5 行李箱:3 托运:2 航空公司:2.5 机场:1 "
    "天气:3 下雨:3 下雪:3 气温:3 雾霾:2 垃圾:2 垃圾分类:2.5 垃圾箱:2.5 油烟:2.5 餐馆:1 餐厅:1 共享单车:3 "
    "单车:2 求职:3 应聘:3 招聘:2.5 简历:3 实习:3 毕业生:2 门票:3 市场监管:2 12345:1.5 房价:2 二手房:2 "
    "工资:2 劳动合同:2.5 离婚:3 特价:2 直租:2.5 拎包入住:3 欢迎来电:3 带看:2.5 工位:1.5 免租期:2 metro:2 "
    "subway:2 bus:1.5 taxi:2.5 weather:3 rain:2 noise:3 noisy:3 neighbo*:2 dog*:2 bark*:2 landlord*:3 "
    "deposit:2 hospital*:3 school*:2.5 passport*:3 visa*:2 parcel*:2.5 parking_ticket*:3 internship*:3 "
    "job:1.5 air_condition*:1.5 rented_flat:2 apartment:0.5 路灯:2 交通卡:3 公交卡:3 指示牌:1 出站口:2 "
    "社区医院:3 打疫苗:3 漏水:2.5 国际学校:3 international_school*:3 个税:3 退税:3 税务局:2 电梯:1.5 "
    "发烧:3 急诊:3 儿科:3 看医生:3 卡拉ok:3 唱歌:1.5 半夜:1 睡不着:2 困不着:2 高铁:1.5 火车站:1.5 失物:2 "
    "被偷了:2.5 被盗:2.5 报警:2.5 诈骗:2.5 银行:2 信用卡:2.5 房贷:2.5 宠物:2 加油站:2 水费:2 燃气:2.5 "
    "煤气:2.5 "
    "停水:3 停电:2.5 宽带:2.5 手机信号:2.5 结婚登记:3 养老金:3 退休金:3 医保:3 疫苗:3 幼儿园:2.5 菜场:2 "
    "菜价:2.5 物价:2 airport:2 flight*:2.5 train_station:2 tax_refund*:3 elevator*:2 fever:3 doctor*:2.5 "
    "karaoke:3 clinic*:2.5 "
    # neighbours, housing, property management
    "楼上:1.5 楼下:1 拖椅子:3 脚步声:3 隔壁:1.5 小区停车:3 小区停车位:3 没地方停:1.2 停车难:1.2 "
    "房租:2.5 涨房租:3 合租:3 租房中介:2.5 二房东:3 墙皮:2.5 渗水:2.5 马桶:3 下水道:2.5 水管:2 水压:2.5 "
    "自来水:2.5 热水器:3 漏气:3 暖气:2.5 有线电视:2.5 居委会:2.5 广场舞:3 健身器材:2.5 业委会:3 "
    "宠物:2 猫:1.5 遛狗:3 狗屎:3 流浪猫:3 流浪狗:3 "
    # traffic, transport, police
    "堵车:2.5 拥堵:2 红绿灯:2.5 斑马线:2 路面:1.5 坑洼:2 井盖:2.5 乱停:2 电瓶车:2 非机动车:2 "
    "警察:2.5 交通事故:3 车祸:3 丢了:1.5 捡到:2 失物招领:3 遗失:2 补办:2 调点车:2 排队打车:3 "
    "延误:2 晚点:2.5 误机:3 改签:3 火车票:3 车票:2 机票:3 12306:3 接驳车:2 摆渡车:2.5 末班车:3 "
    # health, schools, welfare
    "药店:2.5 牙科:3 体检:2.5 核酸:3 住院:3 医生:2.5 托育:3 入学:2.5 转学:3 补习:3 培训班:2 "
    "失业金:3 生育:2.5 低保:3 残疾:2 老年卡:3 敬老卡:3 "
    # shops, food, consumers
    "拉肚子:3 日料:2 吃坏:2.5 食品安全:2.5 不新鲜:2 变质:2.5 过期:2 异物:2.5 点餐:2 服务员:2 上菜:3 "
    "买菜:2.5 退货:3 网购:3 消费者:2 售后:2.5 消协:3 几点关门:3 营业时间:2.5 电影院:1.5 健身房:1 "
    # jobs, money
    "找工作:3 欠薪:3 拖欠工资:3 劳动仲裁:3 加班:2 彩票:3 寻人:3 "
    # English
    "cinema:2 movie*:2 closing_time:2.5 opening_hours:2.5 covid:3 pharmacy:3 dentist:3 wifi:2.5 "
    "internet:2 phone_signal:2.5 lost:1.5 stolen:2.5 police:3 traffic:2 traffic_jam:3 shuttle*:2.5 "
    "train*:1.2 delayed:2 luggage:3 baggage:3 food_poisoning:3 gym:1.5 bank*:2 rent:1.5 "
    "moved_out:2.5 flat:1 neighbour*:2 neighbor*:2 pets:2 cat*:1 "
    # Other authorities' services by category: identity and travel documents, traffic enforcement,
    # consumer disputes, tickets and sightseeing, public toilets; and what is no message at all
    # (advertising, automatic replies).
    "通行证:3 港澳通行证:3 台胞证:3 居住证:3 居留许可:3 签注:3 换证:2.5 续签:2 户籍:2.5 出入境:3 "
    "违章:3 压线:3 闯红灯:3 电子眼:3 违章停车:3 罚款单:3 停车费:2 "
    "质量问题:2 不给退:3 退换:3 商家:1.5 店家:1.5 衣服:1.5 "
    "买票:2.5 购票:2.5 抢票:3 票怎么买:3 景点:3 参观:1.5 游玩:3 厕所:2 公厕:3 卫生间:2 "
    "刷单:3 日赚:3 加v:3 加微信:3 加盟:1.5 不在办公室:3 "
    "residence_permit*:3 driving_licen*:3 id_card*:3 traffic_ticket*:3 speeding:3 refund*:2 "
    "seo:3 website_ranking:3 free_quote:3 unsubscribe:3 out_of_office:3 auto_reply:3 automatic_reply:3 "
    "tourist*:2 sightseeing:3 toilet*:2 ticket*:1.5 "
    # Licences and permits of other bureaus, tickets to fetch, where to eat, scams by a shop or a
    # school, scrapes in a car park, job applications, mailing lists, advertising of escorts.
    "营业执照:2.5 个体户:2 领票:2.5 取票:2.5 好吃:2.5 本帮菜:2.5 小吃:2 多收钱:2.5 多收了:2 学费:2.5 "
    "跑路:2 骗子:1.5 刮了车:3 剐蹭:3 被刮:2.5 调监控:3 退订:3 邮件列表:2.5 私聊:2.5 包您满意:3 "
    "cv:3 resume:2.5 teaching_position:3 apply_for_a:2 mailing_list:3 restaurant*:2"
)

# Function words and fillers (Mandarin, Shanghainese, English) that carry no topic.
_STOPWORD_TEXT = """
    的 了 是 在 和 与 及 也 都 就 还 又 很 太 更 最 把 被 让 给 对 向 从 为 以 于 而 或 等 着 过
    吗 呢 吧 啊 呀 嘛 哦 哈 么 之 其 这 那 这个 那个 这些 那些 这样 那样 这种 那种 什么 怎么 怎样
    如何 为什么 哪里 哪个 哪些 谁 我 我们 你 你们 您 他 她 它 他们 她们 它们 自己 大家 有 没有 没
    不 不是 是否 能否 能不能 可以 可能 应该 需要 要 会 能 想 请 请问 谢谢 您好 你好 一下 一个 一些
    这边 那边 那里 这里 一直 已经 现在 目前 今年 去年 以后 之前 时候 问题 情况 方面 工作
    相关 有关 进行 通过 一是 二是
    三是 四是 五是 以及 并 但 但是 如果 因为 所以 然后 而且 还是 只是 真的 其实 感觉 觉得 知道
    阿拉 侬 伊 伊拉 伐 哪能 迭个 迭 额 个 老 辰光 啥 啥人 交关 搿 勿 伐晓得 晓得 讲 看看
    the a an and or of to in on at for with is are was were be been it this that these those
    i we you they he she my our your their me us please what when where who how why do does did
    can could would should will not no yes there here from by as about into than then so very
    have has had any some all just also too
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
