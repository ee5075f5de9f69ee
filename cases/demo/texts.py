"""Made-up opinions, names and replies for the demo seed, from templates (never the labelled sets).

Every choice comes from the ``random.Random`` passed in, so a seed always writes the same texts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘"
GIVEN = [
    "伟",
    "芳",
    "敏",
    "静",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "建国",
    "海燕",
    "志强",
    "晓东",
    "丽华",
    "文斌",
    "佳怡",
    "子涵",
    "俊杰",
]

OPENINGS = [
    "尊敬的管委会领导：\n\n",
    "管委会：\n\n",
    "您好！\n\n",
    "",
    "各位领导好：\n\n",
    "我是在核心区工作的一名职工。",
    "我是附近小区的居民。",
    "我公司注册在虹桥商务区。",
]
READ_NOTICE = [
    "看了贵委公布的巡视整改情况通报，",
    "关于通报中的整改任务，",
    "通报里提到要",
    "在网站上看到整改通报，",
    "我们关注到通报中",
]
OBSERVATIONS = [
    "身边的变化还不太明显",
    "具体的时间表和责任部门没有公开",
    "落实情况群众感受不深",
    "相关信息公开不够及时，很难查到最新进展",
    "企业办事仍然需要多次跑腿",
    "周边配套跟不上，早晚高峰尤其突出",
    "去年反映过一次，至今没有下文",
    "措施写得很好，但基层执行还有差距",
    "和企业的沟通还不够充分",
]
SUGGESTIONS = [
    "定期公布整改进展和数据",
    "明确每项任务的牵头部门和完成时限",
    "多听取驻区企业和周边居民的意见",
    "设立专门的联系窗口，方便群众反映问题",
    "把整改成效纳入考核，接受社会监督",
    "加大宣传，让群众了解具体措施",
    "建立问题清单，逐项销号",
    "组织企业座谈会，现场听取意见",
]
CLOSINGS = [
    "",
    "\n\n谢谢！",
    "\n\n以上意见，请予考虑。",
    "\n\n盼复。",
    "\n\n此致\n敬礼",
    "\n\n希望尽快得到答复。",
]
ENQUIRIES = [
    "请问“{task}”这项任务目前进展如何？预计什么时候完成？",
    "想咨询一下，“{task}”有没有具体的实施细则？在哪里可以查到？",
    "请问关于{problem}的整改，群众可以通过什么渠道了解进度？",
]
CLAIMS = [
    "我公司按照“{task}”的相关政策提交了申请，已经两个多月没有答复，请求尽快处理。",
    "我们反映的{problem}问题涉及本单位的实际困难，申请管委会协调解决，给予明确答复。",
]
OUT_OF_SCOPE = [
    "我家小区物业费今年上涨了不少，业委会也不管，请帮忙过问一下。",
    "地铁站出口的自动扶梯坏了一个星期了，希望尽快修好。",
    "想咨询个人所得税专项附加扣除怎么申报。",
    "楼下饭店油烟太大，晚上还很吵，影响休息。",
    "孩子入学报名的材料要求不清楚，请问找哪个部门？",
]
ACCUSATIONS = [
    "举报{dept}一名姓{surname}的科长在项目审批中收受企业红包，吃拿卡要，为亲属公司谋取利益。",
    "实名举报：{dept}有工作人员利用职务便利，违规把工程交给关系户，存在利益输送。",
    "反映{dept}个别干部接受企业宴请和购物卡，办事推诿，请纪检部门调查。",
]
REASONS_NOT_ACCEPTED = [
    "反映的事项已由法院立案审理，按规定不予受理。",
    "来信内容不清楚，经联系无法补充，暂不予受理。",
    "同一事项已按程序办结并复核，没有新的事实和理由。",
]
REFER_TO = [
    "闵行区人民政府（12345市民服务热线）",
    "长宁区房屋管理局",
    "青浦区教育局",
    "税务部门（12366纳税服务热线）",
    "轨道交通运营单位",
]
ANSWERS = [
    "已将您的意见转交牵头部门研究，相关措施正在推进，预计年内完成。",
    "经核实，该项整改已列入年度计划，具体进展将在官网定期公开。",
    "您反映的情况属实，我们已督促相关单位落实整改，并将加强日常监管。",
    "感谢您的建议，我们将结合实际认真研究，在后续工作中予以采纳。",
]
RATING_COMMENTS = {
    5: "答复很及时，谢谢。",
    4: "基本解决了问题。",
    3: "还可以，希望继续跟进。",
    2: "答复比较笼统，没有解决实际问题。",
    1: "答非所问，很不满意。",
}


@dataclass(frozen=True)
class Opinion:
    """The subject and body of one made-up opinion."""

    subject: str
    body: str


def person_name(rng: random.Random) -> str:
    """A plausible Chinese name."""
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def phone_number(rng: random.Random) -> str:
    """A mobile number of the usual shape (made up)."""
    return rng.choice(["139", "138", "137", "186", "150", "177"]) + "".join(
        rng.choice("0123456789") for _ in range(8)
    )


def _short(text: str, limit: int = 18) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def suggestion(rng: random.Random, problem: str, task: str) -> Opinion:
    """A suggestion about a rectification task (建议意见)."""
    body = (
        rng.choice(OPENINGS)
        + rng.choice(READ_NOTICE)
        + f"“{task}”，但{rng.choice(OBSERVATIONS)}。"
        + f"建议{rng.choice(SUGGESTIONS)}，并{rng.choice(SUGGESTIONS)}。"
        + rng.choice(CLOSINGS)
    )
    return Opinion(f"关于{_short(task)}的建议", body)


def enquiry(rng: random.Random, problem: str, task: str) -> Opinion:
    """A question about a rectification item (咨询)."""
    return Opinion(
        "咨询整改进展", rng.choice(OPENINGS) + rng.choice(ENQUIRIES).format(task=task, problem=problem)
    )


def claim(rng: random.Random, problem: str, task: str) -> Opinion:
    """A request to solve a concrete problem (申诉求决)."""
    return Opinion(
        "请求协调解决",
        rng.choice(OPENINGS) + rng.choice(CLAIMS).format(task=task, problem=problem) + rng.choice(CLOSINGS),
    )


def out_of_scope(rng: random.Random) -> Opinion:
    """Something for another authority."""
    return Opinion("反映问题", rng.choice(OUT_OF_SCOPE) + rng.choice(CLOSINGS))


def accusation(rng: random.Random, department: str) -> Opinion:
    """An accusation naming an (invented) official of a division."""
    return Opinion("举报", rng.choice(ACCUSATIONS).format(dept=department, surname=rng.choice(SURNAMES)))


def rating_comment(level: int) -> str:
    """What a person says with a rating."""
    return RATING_COMMENTS[level]
